using System.Text.Json;
using SoftShort.Imaging;
using SoftShort.IO;
using SoftShort.Synthetic;
using Xunit.Abstractions;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// <see cref="RadialUnmixing"/> on an independent fixture: an analytic cylinder (SS rod | Li foil, the paper cell's 1/4″ bore and 3/8″ tube at 25 µm) with a gap annulus and a
/// PTFE tube, made by <c>Fixtures/make_radial_fixture.py</c> (NumPy, monochromatic Beer–Lambert over 8 × 8 sub-rays per pixel,
/// so partial volumes mix transmissions physically, then a Gaussian blur of 0.5 px the estimator is not told), with a planted
/// core Li loss (P3, the 50 µm after SS|Li) and gap Li (P4) growing linearly after 6 reference bins.
/// </summary>
public class RadialUnmixingFixtureTests(ITestOutputHelper output)
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Radiography", "Fixtures", name);

    [Fact]
    public void RecoversThePlantedCoreAndGapLi()
    {
        using var truth = JsonDocument.Parse(File.ReadAllText(Fixture("radial_truth.json")));
        var tr = truth.RootElement;
        double px = tr.GetProperty("pixel_size_um").GetDouble();
        var pages = Tiff.ReadPagesAsFloat(Fixture("radial_series.tif")).ToList();
        var times = FrameFiles.Times(Fixture("radial_series.tif"));
        int nref = tr.GetProperty("reference_bins").GetInt32();
        var k = new KymographBuilder(pages[0].Width, pages[0].Height) { PixelSizeUm = px };
        for (int i = 0; i < pages.Count; i++)
            k.Add(new BinnedFrame(i, times[i]!.Value, 30, false, i < nref ? 0 : 1e-4, pages[i].Pixels) { MeanPixels = pages[i].Pixels });
        k.Complete();
        double rCore = tr.GetProperty("core_radius_px").GetDouble();
        var rad = RadialUnmixing.Unmix(k, 3, 30, tr.GetProperty("ss_li_row").GetDouble(), tr.GetProperty("li_se_row").GetDouble(), px,
            NeutronSpectrum.Monochromatic(NeutronCrossSections.ReferenceWavelengthA), NeutronCrossSections.Lithium, boreRadiusUm: rCore * px,
            gapOuterRadiusPx: tr.GetProperty("gap_outer_radius_px").GetDouble());
        Assert.NotNull(rad);
        double v3 = tr.GetProperty("p3_core_li_end_mm3").GetDouble(), v4 = tr.GetProperty("p4_gap_li_end_mm3").GetDouble();
        output.WriteLine($"σ {rad!.BlurSigmaPx:F3} px (planted {tr.GetProperty("blur_sigma_px").GetDouble()}), edge {rad.EdgeRow:F2}, axis {rad.AxisX:F2}, R {rad.CoreRadiusPx:F2} px, zones {rad.ZonesUsed}");
        output.WriteLine($"core {rad.CoreLiMm3[^1]:F5} mm³ (planted {v3:F5}), gap {rad.GapLiMm3[^1]:F5} mm³ (planted {v4:F5})");
        // the reference bins read zero, and the series follows the planted linear ramp
        for (int i = 0; i < nref; i++) Assert.Equal(0, rad.CoreLiMm3[i], 6);
        Assert.InRange(rad.BlurSigmaPx, 0.4, 0.6);
        Assert.InRange(rad.AxisX, 199.1, 200.1);
        Assert.InRange(rad.CoreLiMm3[^1] / v3, 0.9, 1.1);
        Assert.InRange(rad.GapLiMm3[^1] / v4, 0.9, 1.1);
        var scale = tr.GetProperty("scale").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int i = nref; i < pages.Count; i++) Assert.InRange(rad.CoreLiMm3[i] / (scale[i] * v3), 0.85, 1.15);
    }
}
