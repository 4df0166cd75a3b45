namespace SoftShort.PhaseField;

/// <summary>
/// The Faraday-limited growth law of a flat Li front plating through an ohmic solid electrolyte towards a counter
/// electrode held at 0 V, with Butler–Volmer kinetics at the front: the applied voltage |V| splits into the ohmic drop
/// across the remaining SE gap g and the interfacial overpotential,
/// <c>|V| = i·g/σ + η(i)</c>, <c>i = i₀[e^{αfη} − e^{−(1−α)fη}]</c> (cathodic η &gt; 0, f = F/RT, c = c₀ at the front),
/// and Faraday's law moves the front: <c>dg/dt = −i·V_m/F</c>. Without the kinetic term this integrates to
/// <c>g² = g₀² − 2kt</c>, <c>k = σ|V|V_m/F</c> (Cao et al. 2023 cell: σ = 0.78 S m⁻¹, |V| = 0.35 V → k = 36.8 µm² s⁻¹).
/// Used to explain (and to test the dendrite solver against) the time to short: see docs/phasefield.md.
/// </summary>
/// <param name="SigmaSPerM">Effective ionic conductivity of the SE between front and counter electrode, S m⁻¹.</param>
/// <param name="VoltageV">Magnitude of the applied voltage, V (paper: 0.35).</param>
/// <param name="ExchangeCurrentAPerM2">Exchange current density i₀, A m⁻²; <see cref="double.PositiveInfinity"/> for the purely ohmic law.</param>
/// <param name="Alpha">Charge-transfer coefficient α.</param>
/// <param name="FOverRT">F/RT, V⁻¹.</param>
/// <param name="MolarVolumeM3PerMol">Molar volume of Li, m³ mol⁻¹.</param>
public sealed record PlanarGrowthLaw(double SigmaSPerM, double VoltageV, double ExchangeCurrentAPerM2, double Alpha, double FOverRT, double MolarVolumeM3PerMol)
{
    /// <summary>The law for a model parameter set (σ of the dense SE, |V|, i₀, α, F/RT, V_m).</summary>
    public static PlanarGrowthLaw From(DendriteParameters p) => new(p.SeIonicConductivitySPerM, Math.Abs(p.AppliedVoltageV),
        p.ExchangeCurrentDensityAPerM2, p.Alpha, p.FOverRT, p.LiMolarVolumeM3PerMol);

    /// <summary>Front velocity per current density, µm s⁻¹ per A m⁻² (V_m/F).</summary>
    public double VelocityPerCurrentUmPerS => MolarVolumeM3PerMol / DendriteParameters.FaradayCPerMol * 1e6;

    /// <summary>Ohmic rate constant k = σ|V|V_m/F of g² = g₀² − 2kt, µm² s⁻¹.</summary>
    public double OhmicRateUm2PerS => SigmaSPerM * VoltageV * MolarVolumeM3PerMol / DendriteParameters.FaradayCPerMol * 1e12;

    /// <summary>Cathodic Butler–Volmer current density at overpotential η ≥ 0, A m⁻².</summary>
    public double ButlerVolmer(double etaV) =>
        ExchangeCurrentAPerM2 * (Math.Exp(Alpha * FOverRT * etaV) - Math.Exp(-(1 - Alpha) * FOverRT * etaV));

    /// <summary>Current density, A m⁻², across a gap of <paramref name="gapUm"/> µm: solves |V| = i g/σ + η(i) (bisection on η).</summary>
    public double CurrentDensityAPerM2(double gapUm)
    {
        if (!(gapUm > 0)) throw new ArgumentOutOfRangeException(nameof(gapUm), "gap must be positive");
        double g = gapUm * 1e-6;
        if (double.IsPositiveInfinity(ExchangeCurrentAPerM2)) return SigmaSPerM * VoltageV / g;
        // the ohmic current σ(|V| − η)/g falls and the kinetic current rises with η: one crossing in [0, |V|]
        double lo = 0, hi = VoltageV;
        for (int k = 0; k < 200 && hi - lo > 1e-15; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (ButlerVolmer(mid) < SigmaSPerM * (VoltageV - mid) / g) lo = mid; else hi = mid;
        }
        return SigmaSPerM * (VoltageV - 0.5 * (lo + hi)) / g;
    }

    /// <summary>Interfacial overpotential at the front, V, for a gap of <paramref name="gapUm"/> µm.</summary>
    public double OverpotentialV(double gapUm) => VoltageV - CurrentDensityAPerM2(gapUm) * gapUm * 1e-6 / SigmaSPerM;

    /// <summary>Gap after <paramref name="timeS"/> s starting from <paramref name="gap0Um"/> µm (RK4 on dg/dt = −i(g)V_m/F; 0 once shorted).</summary>
    public double GapUm(double gap0Um, double timeS, int steps = 2000)
    {
        double g = gap0Um, h = timeS / steps, c = VelocityPerCurrentUmPerS;
        double Rate(double gap) => gap <= 0 ? 0 : -c * CurrentDensityAPerM2(gap);
        for (int s = 0; s < steps && g > 0; s++)
        {
            double k1 = Rate(g), k2 = Rate(g + 0.5 * h * k1), k3 = Rate(g + 0.5 * h * k2), k4 = Rate(g + h * k3);
            g += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        return Math.Max(0, g);
    }

    /// <summary>Time for a flat front to cross <paramref name="gap0Um"/> µm, s: ∫ dg / (i(g)V_m/F) (midpoint rule on a graded grid).</summary>
    public double CrossingTimeS(double gap0Um, int n = 20000)
    {
        double t = 0, c = VelocityPerCurrentUmPerS;
        for (int k = 0; k < n; k++)
        {
            // graded in g² (the ohmic law is linear in g²), so the small-gap end is resolved
            double a = gap0Um * Math.Sqrt((double)k / n), b = gap0Um * Math.Sqrt((double)(k + 1) / n), m = 0.5 * (a + b);
            t += (b - a) / (c * CurrentDensityAPerM2(m));
        }
        return t;
    }

    /// <summary>Current density, A m⁻², that moves a front <paramref name="distanceUm"/> µm in <paramref name="timeS"/> s (Faraday): i = (d/t)·F/V_m.</summary>
    public double RequiredCurrentDensityAPerM2(double distanceUm, double timeS) => distanceUm / timeS / VelocityPerCurrentUmPerS;
}
