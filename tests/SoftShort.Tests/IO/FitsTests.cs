using System.Buffers.Binary;
using System.Text;
using SoftShort.IO;

namespace SoftShort.Tests.IO;

/// <summary>FITS primary-HDU images (FITS standard 4.0) and per-frame acquisition times in TIFF/FITS metadata.</summary>
public class FitsTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), $"softshort-fits-{Guid.NewGuid():N}");
    public FitsTests() => Directory.CreateDirectory(_dir);
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    /// <summary>A FITS file built byte by byte from the standard (independent of our writer): BITPIX 16 signed, BSCALE 2, BZERO −10.</summary>
    static byte[] HandMadeFits(int w, int h, short[] storedFitsOrder)
    {
        var sb = new StringBuilder();
        void Card(string s) => sb.Append(s.PadRight(80));
        Card("SIMPLE  =                    T");
        Card("BITPIX  =                   16");
        Card("NAXIS   =                    2");
        Card($"NAXIS1  = {w,20}");
        Card($"NAXIS2  = {h,20}");
        Card("BSCALE  =                  2.0");
        Card("BZERO   =                -10.0");
        Card("DATE-OBS= '2023-01-01T00:01:40' / start");
        Card("COMMENT   hand-made");
        Card("END");
        var head = Encoding.ASCII.GetBytes(sb.ToString().PadRight(2880));
        var data = new byte[2880];
        for (int i = 0; i < storedFitsOrder.Length; i++) BinaryPrimitives.WriteInt16BigEndian(data.AsSpan(2 * i), storedFitsOrder[i]);
        return [.. head, .. data];
    }

    [Fact]
    public void HandMadeFile_AppliesBScaleBZero_AndPutsFitsRowOneAtTheBottom()
    {
        // FITS order: row 1 (bottom) = 1 2 3, row 2 (top) = 4 5 6
        string p = Path.Combine(_dir, "hand.fits");
        File.WriteAllBytes(p, HandMadeFits(3, 2, [1, 2, 3, 4, 5, 6]));
        var img = Fits.ReadImage(p);
        Assert.Equal(new float[] { -2, 0, 2, -8, -6, -4 }, img.Pixels); // top row first: 2·(4,5,6) − 10, then 2·(1,2,3) − 10
        var info = Fits.ReadInfo(p);
        Assert.Equal(TiffSampleType.Int16, info.SampleType);
        Assert.Equal((new DateTime(2023, 1, 1, 0, 1, 40, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds, info.TimeS);
    }

    [Fact]
    public void UInt16AndFloat32_RoundTrip_WithTimeAndBlockPadding()
    {
        int w = 7, h = 5;
        var u = Enumerable.Range(0, w * h).Select(i => (ushort)(i * 1999 % 65536)).ToArray();
        u[3] = 65535; u[4] = 0;
        string pu = Path.Combine(_dir, "u.fits");
        Fits.WriteUInt16(pu, u, w, h, timeS: 12.5, dateObs: new DateTime(2023, 1, 1, 0, 0, 12, DateTimeKind.Utc), exposureS: 10);
        Assert.Equal(0, new FileInfo(pu).Length % 2880);
        var iu = Fits.ReadInfo(pu);
        Assert.Equal((16, 32768.0, TiffSampleType.UInt16, 12.5, 10.0), (iu.Bitpix, iu.BZero, iu.SampleType, iu.TimeS!.Value, iu.ExposureS!.Value));
        Assert.Equal(u.Select(v => (float)v), Fits.ReadImage(pu).Pixels);
        // unsigned 16-bit is stored as signed + BZERO 32768, big-endian, last row first
        var raw = File.ReadAllBytes(pu);
        Assert.Equal((short)(u[(h - 1) * w] - 32768), BinaryPrimitives.ReadInt16BigEndian(raw.AsSpan((int)iu.DataOffset)));

        var f = Enumerable.Range(0, w * h).Select(i => (float)Math.Sin(i) * 1e3f).ToArray();
        f[0] = float.NaN;
        string pf = Path.Combine(_dir, "f.fits");
        Fits.WriteFloat32(pf, f, w, h);
        Assert.Equal(f, Fits.ReadImage(pf).Pixels);
        Assert.Null(Fits.ReadInfo(pf).TimeS);
    }

    [Fact]
    public void MutatedAndTruncatedFiles_GiveOneLineErrors_NeverAHang()
    {
        int w = 16, h = 12;
        string good = Path.Combine(_dir, "good.fits");
        Fits.WriteUInt16(good, Enumerable.Range(0, w * h).Select(i => (ushort)i).ToArray(), w, h, timeS: 1);
        var bytes = File.ReadAllBytes(good);
        var rng = new Random(3);
        string bad = Path.Combine(_dir, "bad.fits");
        int errors = 0;
        for (int k = 0; k < 400; k++)
        {
            var m = (byte[])bytes.Clone();
            if (k % 4 == 0) m = m[..rng.Next(0, m.Length)];                                 // truncated anywhere
            else for (int j = 0; j < 1 + rng.Next(8); j++) m[rng.Next(k % 4 == 1 ? 800 : m.Length)] = (byte)rng.Next(256); // header or anywhere
            File.WriteAllBytes(bad, m);
            try
            {
                var img = Fits.ReadImage(bad);
                Assert.Equal((long)img.Width * img.Height, img.Pixels.Length);
            }
            catch (InputException e)
            {
                errors++;
                Assert.DoesNotContain('\n', e.Message);
                Assert.Contains("bad.fits", e.Message);
            }
        }
        Assert.True(errors > 50, $"only {errors} of 400 mutations were refused");
        File.WriteAllBytes(bad, Encoding.ASCII.GetBytes(new string(' ', 2880 * 3)));
        Assert.Throws<InputException>(() => Fits.ReadInfo(bad));
    }

    [Fact]
    public void TiffPagesCarryTheirTime_AndStacksSortByIt()
    {
        // two files whose natural order is the reverse of their acquisition order
        string a = Path.Combine(_dir, "f_1.tif"), b = Path.Combine(_dir, "f_2.tif");
        using (var wa = TiffStackWriter<ushort>.Create(a, 2, 2, 2)) { wa.Append(new ushort[] { 1, 1, 1, 1 }, 30, new DateTime(2023, 1, 1, 0, 0, 30, DateTimeKind.Utc)); wa.Append(new ushort[] { 2, 2, 2, 2 }, 40, null); wa.Commit(); }
        using (var wb = TiffStackWriter<ushort>.Create(b, 2, 2, 1)) { wb.Append(new ushort[] { 3, 3, 3, 3 }, 10.25, null); wb.Commit(); }
        Assert.Equal(new double?[] { 30, 40 }, FrameFiles.Times(a));
        var ordered = FrameFiles.Ordered(FrameFiles.Expand([Path.Combine(_dir, "f_*.tif")], "x"));
        Assert.Equal(new double?[] { 10.25, 30, 40 }, ordered.Select(r => r.TimeS));
        Assert.Equal(new float[] { 3, 1, 2 }, FrameFiles.Read(ordered).Select(x => x.Image.Pixels[0]));
        // DateTime only → seconds since 1970; no time at all → natural file order
        Assert.Equal((new DateTime(2023, 1, 1, 0, 0, 30, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds, TiffFrameTimes.Parse(null, "2023:01:01 00:00:30"));
        string c = Path.Combine(_dir, "g_2.tif"), d = Path.Combine(_dir, "g_10.tif");
        foreach (var (p, v) in new[] { (d, (ushort)10), (c, (ushort)2) }) { using var wr = TiffStackWriter<ushort>.Create(p, 2, 2); wr.Append(new[] { v, v, v, v }); wr.Commit(); }
        var nat = FrameFiles.Ordered(FrameFiles.Expand([Path.Combine(_dir, "g_*.tif")], "x"));
        Assert.Equal(new float[] { 2, 10 }, FrameFiles.Read(nat).Select(x => x.Image.Pixels[0]));
    }
}
