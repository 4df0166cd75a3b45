using SoftShort.Imaging;
using SoftShort.Synthetic;

namespace SoftShort.Tests.Radiography;

/// <summary>
/// The forward model's noise-free bins: the blurred transmission at each 5-min bin's mean frame time (300 i + 145 s), with the
/// bin means equal to it, run through the pipeline. What a test on these checks is the estimator's physics, not counting noise.
/// </summary>
static class NoiseFreeBins
{
    /// <param name="scenario">Planted experiment.</param>
    /// <param name="blurUm">Detector blur FWHM, µm.</param>
    /// <param name="axisX">Cell axis column, px (NaN: the detector's default).</param>
    public static (OperandoRadiography G, KymographBuilder K, OperandoPipelineResult R) Analyse(OperandoScenario scenario, double blurUm, double axisX = double.NaN)
    {
        var det = DetectorOptions.Small with { BlurFwhmUm = blurUm };
        if (double.IsFinite(axisX)) det = det with { AxisX = axisX };
        var g = new OperandoRadiography(scenario: scenario, detector: det, seed: 1);
        var k = new KymographBuilder(g.Width, g.Height) { PixelSizeUm = det.PixelSizeUm };
        int nb = (int)(scenario.DurationS / 300);
        for (int i = 0; i < nb; i++)
        {
            double t = 300 * i + 145;
            var tr = g.Transmission(t);
            k.Add(new BinnedFrame(i, t, 30, false, g.CurrentAt(t), tr) { MeanPixels = tr });
        }
        k.Complete();
        return (g, k, OperandoPipeline.Analyse(k, OperandoPipeline.OptionsFor(g)));
    }
}
