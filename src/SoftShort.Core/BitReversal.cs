namespace SoftShort;

/// <summary>Bit-reversed indices for radix-2 FFT reordering (shared by the phase-field and tomography transforms).</summary>
internal static class BitReversal
{
    /// <summary><paramref name="i"/> with its lowest <paramref name="bits"/> bits in reverse order (0 ≤ i &lt; 2^bits, 1 ≤ bits ≤ 31).</summary>
    public static int Index(int i, int bits) => (int)(Reverse((uint)i) >> (32 - bits));

    /// <summary>All 32 bits of <paramref name="v"/> in reverse order (swap halves, bytes, nibbles, pairs, bits).</summary>
    public static uint Reverse(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
