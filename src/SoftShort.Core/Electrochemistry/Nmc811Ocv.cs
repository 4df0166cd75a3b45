namespace SoftShort.Electrochemistry;

/// <summary>
/// Open-circuit potential of NMC811 against Li/Li⁺ as a function of its Li stoichiometry x in Li_xNi0.8Mn0.1Co0.1O2:
/// the fit of Chen et al., "Development of Experimental Techniques for Parameterization of Multi-scale Lithium-ion
/// Battery Models", J. Electrochem. Soc. 167, 080534 (2020), to GITT data of the LG M50 NMC811 positive electrode
/// (the same function PyBaMM ships as <c>nmc_LGM50_ocp_Chen2020</c>). The fit was made for 0.27 ≤ x ≤ 0.91; outside
/// that range it is an extrapolation (smooth and monotonic from x = 0.15 to 1).
/// </summary>
public static class Nmc811Ocv
{
    /// <summary>Theoretical specific capacity of LiNi0.8Mn0.1Co0.1O2 for one Li per formula unit, mAh g⁻¹: F/(3.6·M), M = 97.28 g mol⁻¹.</summary>
    public const double TheoreticalCapacityMAhPerG = Faraday.ConstantCPerMol / 3.6 / 97.28;

    /// <summary>OCV vs Li/Li⁺, V, at stoichiometry <paramref name="x"/> (Chen et al. 2020, Eq. for the positive electrode).</summary>
    public static double VoltageV(double x) =>
        -0.8090 * x + 4.4875
        - 0.0428 * Math.Tanh(18.5138 * (x - 0.5542))
        - 17.7326 * Math.Tanh(15.7890 * (x - 0.3117))
        + 17.5842 * Math.Tanh(15.9308 * (x - 0.3120));
}
