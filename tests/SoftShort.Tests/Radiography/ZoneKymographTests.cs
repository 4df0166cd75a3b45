using SoftShort.Imaging;
using Xunit;

namespace SoftShort.Tests.Radiography;

/// <summary>The zone kymograph's sums against planted ratios, with and without low-count division artefacts in Tr₀.</summary>
public class ZoneKymographTests
{
    /// <summary>
    /// Every pixel of a zone transmits 0.15 before and 0.15 · 0.9 after (a planted 10 % drop), except a few pixels whose open
    /// beam − dark is near zero: (I − DF)/(OB − DF) is then ≈ 10³ in Tr₀ and, for such a pixel, its bin value carries only its
    /// own few counts (here: no change at all). The zone ratio must be the planted 0.9; with those pixels in the sums it would be
    /// dominated by them (≈ 1).
    /// </summary>
    [Fact]
    public void LowCountDivisionArtefactsDoNotDominateTheZone()
    {
        const int w = 64, h = 4;
        var z = ZoneKymograph.ForCore(w, h, 32, 0, 63, zones: 4);
        var tr0 = new float[w * h]; var tr = new float[w * h];
        for (int i = 0; i < tr0.Length; i++) { tr0[i] = 0.15f; tr[i] = 0.15f * 0.9f; }
        // one artefact pixel per row and zone
        for (int y = 0; y < h; y++)
            for (int q = 0; q < z.Zones; q++) { int i = y * w + z.X0[q] + 1; tr0[i] = 1000f; tr[i] = 1000f; }
        z.SetReference(tr0, w);
        z.Add(tr, tr0, w);
        for (int y = 0; y < h; y++)
            for (int q = 0; q < z.Zones; q++)
            {
                Assert.Equal(0.15, z.Reference[y * z.Zones + q], 5);
                Assert.Equal(0.9, z.Bins[0][y * z.Zones + q] / z.Reference[y * z.Zones + q], 5);
                Assert.Equal(z.X1[q] - z.X0[q], z.Counts[y * z.Zones + q]); // the artefact pixel left out
            }
    }
}
