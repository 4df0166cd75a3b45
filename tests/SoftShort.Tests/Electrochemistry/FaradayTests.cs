using SoftShort.Electrochemistry;
using SoftShort.Synthetic;

namespace SoftShort.Tests.Electrochemistry;

public class FaradayTests
{
    [Fact]
    public void Paper_cell_at_C20_gives_the_published_current_charge_and_li_thickness()
    {
        // The issue/paper numbers: 6.27 mg NMC811, ≈ 63 µA, ≈ 1.25 mAh in 20 h, ≈ 19 µm of Li over 0.317 cm².
        var cell = new CellGeometry();
        var b = ChargeBudget.ForPaperCell(cell);
        Assert.Equal(6.27, cell.Nmc811MassMg, 2);
        Assert.Equal(0.3167, cell.BoreAreaCm2, 4);
        Assert.InRange(b.CurrentA * 1e6, 62.5, 63.0);
        Assert.InRange(b.ChargeMAh, 1.250, 1.260);
        Assert.InRange(b.LiThicknessUm, 19.0, 19.4);
    }

    [Fact]
    public void One_faraday_over_one_cm2_plates_one_molar_volume_of_li()
    {
        // Q = F → 1 mol Li → V_m cm³ → over 1 cm² a layer V_m cm thick.
        double um = Faraday.PlatedLiThicknessUm(Faraday.ConstantCPerMol, 1.0);
        Assert.Equal(Faraday.LiMolarVolumeCm3PerMol * 1e4, um, 6);
        Assert.InRange(Faraday.LiMolarVolumeCm3PerMol, 12.9, 13.1);
    }

    [Fact]
    public void Li_thickness_is_linear_in_charge_and_time()
    {
        var b = ChargeBudget.ForPaperCell(new CellGeometry());
        var (t, q, li) = b.Curve(20, 41);
        for (int i = 1; i < t.Length; i++)
        {
            Assert.Equal(li[^1] * t[i] / 20, li[i], 9);
            Assert.Equal(q[^1] * t[i] / 20, q[i], 9);
        }
    }

    [Theory]
    [InlineData(0, 200, 0.05)]
    [InlineData(6, -1, 0.05)]
    [InlineData(6, 200, 0)]
    [InlineData(double.NaN, 200, 0.05)]
    public void Impossible_parameters_are_refused_with_a_named_parameter(double mass, double specific, double rate)
    {
        var e = Assert.Throws<InputException>(() => Faraday.CurrentA(mass, specific, rate));
        Assert.DoesNotContain('\n', e.Message);
    }
}
