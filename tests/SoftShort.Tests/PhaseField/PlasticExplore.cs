using SoftShort.PhaseField;
namespace SoftShort.Tests.PhaseField;
public class PlasticExplore(Xunit.Abstractions.ITestOutputHelper output)
{
    static double Median(IEnumerable<double> v) { var a = v.OrderBy(x => x).ToArray(); return a.Length == 0 ? double.NaN : a[a.Length / 2]; }
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ExploreCoarse(bool plastic)
    {
        var p = PhaseFieldResults.CoarseDemo(10) with { LiPlasticity = plastic, TimeS = 60 };
        var sim = new DendriteSimulation(p);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        double last = -1;
        while (sim.TimeS < p.TimeS)
        {
            sim.Step();
            var m = sim.Mechanics!;
            if (sim.Profile.MechanicsSolves != last)
            {
                last = sim.Profile.MechanicsSolves;
                output.WriteLine($"{plastic} t {sim.TimeS:F1} it {m.LastPlasticIterations} change {m.LastPlasticChangeMPa:G3} cg {m.LastPlasticCgIterations} maxP {sim.HydrostaticMPa.Max():F2} Li {Enumerable.Range(0, sim.Xi.Length).Where(i => sim.Xi[i] > 0.5).Max(i => sim.HydrostaticMPa[i]):F2} SE {Enumerable.Range(0, sim.Xi.Length).Where(i => sim.Xi[i] < 0.5 && sim.Pores[i] == 0).Max(i => sim.HydrostaticMPa[i]):F2} Li95 {Enumerable.Range(0, sim.Xi.Length).Where(i => sim.Xi[i] > 0.95).Max(i => sim.HydrostaticMPa[i]):F2} SE05 {Enumerable.Range(0, sim.Xi.Length).Where(i => sim.Xi[i] < 0.05 && sim.Pores[i] == 0).Max(i => sim.HydrostaticMPa[i]):F2} medLiSE {Median(Enumerable.Range(0, sim.Xi.Length).Where(i => sim.Xi[i] > 0.5 && i % sim.Nx >= 24).Select(i => sim.HydrostaticMPa[i])):F2} wall {sw.Elapsed.TotalSeconds:F1}");
            }
        }
    }
}
