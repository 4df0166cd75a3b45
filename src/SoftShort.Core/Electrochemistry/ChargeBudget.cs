using SoftShort.Synthetic;

namespace SoftShort.Electrochemistry;

/// <summary>
/// The Faraday's-law budget of a galvanostatic charge: current, charge and dense Li thickness over the bore.
/// For the paper's cell at C/20: ≈ 63 µA, ≈ 1.25 mAh in 20 h, ≈ 19 µm of Li over 0.317 cm².
/// </summary>
public sealed record ChargeBudget(double CurrentA, double DurationS, double AreaCm2)
{
    public double ChargeMAh => Faraday.ChargeMAh(CurrentA, DurationS);
    public double LiThicknessUm => Faraday.PlatedLiThicknessUm(CurrentA * DurationS, AreaCm2);

    /// <summary>The paper's charge: C/20 (1C = 200 mA g⁻¹ of NMC811) for 20 h over the bore of <paramref name="cell"/>.</summary>
    public static ChargeBudget ForPaperCell(CellGeometry cell, double cRate = 0.05, double hours = 20, double specificCurrent1CmAPerG = 200) =>
        new(Faraday.CurrentA(cell.Nmc811MassMg, specificCurrent1CmAPerG, cRate), hours * 3600, cell.BoreAreaCm2);

    /// <summary>Charge (mAh) and Li thickness (µm) against time (h), sampled at <paramref name="points"/> times from 0 to <paramref name="hours"/>.</summary>
    public (double[] TimeH, double[] ChargeMAh, double[] LiUm) Curve(double hours, int points)
    {
        var t = new double[points]; var q = new double[points]; var li = new double[points];
        for (int i = 0; i < points; i++)
        {
            t[i] = hours * i / (points - 1);
            q[i] = Faraday.ChargeMAh(CurrentA, t[i] * 3600);
            li[i] = Faraday.PlatedLiThicknessUm(CurrentA * t[i] * 3600, AreaCm2);
        }
        return (t, q, li);
    }
}
