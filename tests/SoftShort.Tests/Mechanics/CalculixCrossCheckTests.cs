using System.Globalization;
using SoftShort.Mechanics;

namespace SoftShort.Tests.Mechanics;

/// <summary>
/// Axisymmetric compression with contact against CalculiX 2.20 (CAX8R, h = 0.025 mm; input made by
/// Fixtures/ccx/make_ccx_case.py, result committed in Fixtures/ccx/ccx_result.csv).
/// </summary>
public class CalculixCrossCheckTests
{
    [Fact]
    public void LiDiscInPtfeRingMatchesCalculix()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Mechanics", "Fixtures", "ccx", "ccx_result.csv"));
        var v = lines[1].Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var (reaction, ur, _) = CalculixCase.Run(hMm: 0.05);
        Assert.True(Math.Abs(reaction - v[0]) / Math.Abs(v[0]) < 0.005, $"reaction {reaction} vs CalculiX {v[0]} N/rad");
        Assert.True(Math.Abs(ur - v[1]) / v[1] < 0.005, $"ring u_r {ur} vs CalculiX {v[1]} mm");
    }
}
