namespace SoftShort.Electrochemistry;

/// <summary>
/// Faraday's-law bookkeeping for the paper's cell: current at a C-rate, charge passed and the Li metal
/// thickness that charge plates over an electrode area.
/// </summary>
public static class Faraday
{
    /// <summary>Faraday constant, C mol⁻¹ (CODATA 2018, exact since the 2019 SI redefinition).</summary>
    public const double ConstantCPerMol = 96485.33212;

    /// <summary>Molar mass of natural Li, g mol⁻¹ (IUPAC 2013 conventional value).</summary>
    public const double LiMolarMassGPerMol = 6.941;

    /// <summary>Density of Li metal at 20 °C, g cm⁻³ (CRC Handbook of Chemistry and Physics, 97th ed.).</summary>
    public const double LiDensityGPerCm3 = 0.534;

    /// <summary>Molar volume of Li metal, cm³ mol⁻¹ (= M/ρ ≈ 13.0).</summary>
    public const double LiMolarVolumeCm3PerMol = LiMolarMassGPerMol / LiDensityGPerCm3;

    /// <summary>
    /// Galvanostatic current for a C-rate: I = rate · (1C specific current) · active mass.
    /// </summary>
    /// <param name="activeMassMg">Mass of cathode active material, mg (paper: 6.27 mg NMC811).</param>
    /// <param name="specificCurrent1CmAPerG">1C specific current, mA g⁻¹ (paper: 200 mA g⁻¹ for NMC811).</param>
    /// <param name="cRate">C-rate as a fraction (C/20 = 0.05).</param>
    /// <returns>Current in A.</returns>
    public static double CurrentA(double activeMassMg, double specificCurrent1CmAPerG, double cRate)
    {
        InputException.Require(activeMassMg > 0 && double.IsFinite(activeMassMg), "active_mass_mg", $"must be positive, got {activeMassMg}");
        InputException.Require(specificCurrent1CmAPerG > 0, "specific_current_1c_mA_per_g", $"must be positive, got {specificCurrent1CmAPerG}");
        InputException.Require(cRate > 0, "c_rate", $"must be positive, got {cRate}");
        return cRate * specificCurrent1CmAPerG * 1e-3 * activeMassMg * 1e-3;
    }

    /// <summary>Charge passed at constant current, mAh.</summary>
    public static double ChargeMAh(double currentA, double timeS) => currentA * timeS / 3.6;

    /// <summary>
    /// Thickness of dense Li metal plated by a charge over an area: t = Q·V_m / (F·A).
    /// </summary>
    /// <param name="chargeC">Charge, C.</param>
    /// <param name="areaCm2">Electrode area, cm².</param>
    /// <returns>Thickness in µm.</returns>
    public static double PlatedLiThicknessUm(double chargeC, double areaCm2)
    {
        InputException.Require(areaCm2 > 0, "area_cm2", $"must be positive, got {areaCm2}");
        double volumeCm3 = chargeC / ConstantCPerMol * LiMolarVolumeCm3PerMol;
        return volumeCm3 / areaCm2 * 1e4;
    }
}
