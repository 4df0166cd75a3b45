using SoftShort.IO;
using SoftShort.PhaseField;

namespace SoftShort.Tests.PhaseField;

/// <summary>The bundled coarse runs (data-samples/phasefield/coarse, made by `softshort synth phasefield`) are what the code produces.</summary>
public class SampleRegenerationTests
{
    [Fact]
    public void CoarseZeroMPaRun_MatchesTheBundledSample()
    {
        string dir = Path.Combine(DataSamples.Locate(), "phasefield", "coarse", "p0MPa");
        var saved = PhaseFieldResults.ReadCsv(Path.Combine(dir, "timeseries.csv"));
        var run = new DendriteRun(PhaseFieldResults.CoarseDemo(0)) { OutputIntervalS = 5 };
        run.Run(null);
        Assert.Equal(saved["time_s"].Length, run.Series.Count);
        for (int i = 0; i < run.Series.Count; i++)
        {
            Assert.Equal(saved["li_volume_um3_per_um"][i], run.Series[i].LiVolumeUm2, 1e-6);
            Assert.Equal(saved["ionic_current_A_per_m"][i], run.Series[i].IonicCurrentAPerM, 1e-12);
            Assert.Equal(saved["max_hydrostatic_pressure_MPa"][i], run.Series[i].MaxHydrostaticMPa, 1e-6);
        }
        var phase = PhaseFieldResults.CompactField(dir, "phase_eta");
        var now = run.Field("phase_eta");
        Assert.Equal(phase.Pixels, now.Pixels);
    }
}
