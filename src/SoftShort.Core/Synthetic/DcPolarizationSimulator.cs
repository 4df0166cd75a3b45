using SoftShort.Electrochemistry;

namespace SoftShort.Synthetic;

/// <summary>
/// A DC polarization current trace with ion-blocking electrodes: I(t) = I_e·(1 + d·(t/T − 1/2)) + Σ A_k·exp(−t/τ_k) + noise.
/// The electronic current I_e is the planted truth; the decay is the double-layer/ionic charging (two exponentials);
/// d a slow linear drift (e.g. temperature) over the run of length T, zero-mean over the run; noise white Gaussian
/// (relative σ) plus the same AR(1) low-frequency component as the cycler model.
/// </summary>
public static class DcPolarizationSimulator
{
    /// <summary>Paper geometry: 126 mg SE, 12.6 mm die, porosity 16.25 %, density 1.87 g cm⁻³ → L ≈ 0.0645 cm; σ = 3.2 × 10⁻⁹ S cm⁻¹ at 0.5 V.</summary>
    public static double PaperCurrentA(double conductivitySPerCm = 3.2e-9, double voltageV = 0.5)
    {
        var cell = new CellGeometry();
        double l = DcPolarization.ThicknessFromMassCm(126, cell.SeTheoreticalDensityGPerCm3, 12.6, cell.SePorosity);
        return conductivitySPerCm * voltageV * DcPolarization.DiscAreaCm2(12.6) / l;
    }

    /// <summary>A trace of <paramref name="durationS"/> seconds sampled every <paramref name="intervalS"/> seconds.</summary>
    public static (double[] TimeS, double[] CurrentA) Simulate(double electronicCurrentA, double durationS = 1200, double intervalS = 1,
        double decayAmplitude = 50, double tau1S = 20, double tau2S = 150, double drift = 0.005, double relativeNoise = 0.01, int seed = 1)
    {
        InputException.Require(durationS > 0 && intervalS > 0 && durationS / intervalS >= 20, "duration", "needs at least 20 samples");
        var rng = new Random(seed);
        int n = (int)Math.Floor(durationS / intervalS) + 1;
        var t = new double[n]; var i = new double[n];
        double ar = 0, phi = Math.Exp(-intervalS / 120.0);
        for (int k = 0; k < n; k++)
        {
            t[k] = k * intervalS;
            ar = phi * ar + 0.3 * relativeNoise * Math.Sqrt(1 - phi * phi) * CyclerSimulator.Gauss(rng);
            double decay = decayAmplitude * electronicCurrentA * (0.7 * Math.Exp(-t[k] / tau1S) + 0.3 * Math.Exp(-t[k] / tau2S));
            i[k] = electronicCurrentA * (1 + drift * (t[k] / durationS - 0.5) + relativeNoise * CyclerSimulator.Gauss(rng) + ar) + decay;
        }
        return (t, i);
    }
}
