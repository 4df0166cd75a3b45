using SoftShort.PhaseField;

namespace SoftShort.Tests.PhaseField;

/// <summary>A run stopped and resumed from its checkpoint is the uninterrupted run, bit for bit.</summary>
public class ResumeTests
{
    // porous, two protrusions, mechanics on (lagged every 5 s, so the resumed run needs the displacement warm start and the
    // extrapolation times), adaptive Δt still ramping when the run is stopped
    static DendriteParameters Case(double timeS, bool liPlasticity = false) => new()
    {
        DomainWidthUm = 160, DomainHeightUm = 80, LiThicknessUm = 50, DxUm = 2, ProtrusionCount = 2, TimeS = timeS, Seed = 5,
        PressureMPa = 10, LiPlasticity = liPlasticity,
    };

    /// <summary>Cancels the run synchronously once an observation at or after <paramref name="stopAtS"/> has been reported.</summary>
    sealed class StopAt(double stopAtS, double endS, CancellationTokenSource cts) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) { if (value.Fraction * endS >= stopAtS - 1e-9) cts.Cancel(); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]    // with Li plasticity the checkpoint also carries the plastic strain and the Li fraction it was committed at
    public void StoppedAndResumedRun_IsBitIdenticalToTheUninterruptedRun(bool liPlasticity)
    {
        string root = Path.Combine(Path.GetTempPath(), $"softshort-resume-{Guid.NewGuid():N}");
        string whole = Path.Combine(root, "whole"), parts = Path.Combine(root, "parts");
        try
        {
            var reference = new DendriteRun(Case(30, liPlasticity)) { OutputIntervalS = 2.5, SnapshotIntervalS = 10 };
            reference.Run(whole);

            // the same run, killed after t = 15 s: the last checkpoint is the snapshot at 10 s (Δt is then mid-ramp/clipped,
            // two elasticity solves have happened, the observation and snapshot schedules are part-way)
            using (var cts = new CancellationTokenSource())
            {
                var first = new DendriteRun(Case(30, liPlasticity)) { OutputIntervalS = 2.5, SnapshotIntervalS = 10 };
                Assert.ThrowsAny<OperationCanceledException>(() => first.Run(parts, new StopAt(15, 30, cts), cts.Token));
                Assert.True(first.Simulation.TimeS >= 15);
            }
            var resumed = new DendriteRun(Case(30, liPlasticity)) { OutputIntervalS = 2.5, SnapshotIntervalS = 10 };
            resumed.ReadCheckpoint(Path.Combine(parts, DendriteRun.CheckpointName));
            Assert.Equal(10, resumed.Simulation.TimeS, 1e-9);
            resumed.Run(parts);

            var a = reference.Simulation; var b = resumed.Simulation;
            Assert.Equal(a.Steps, b.Steps);
            Assert.Equal(a.TimeS, b.TimeS);
            Assert.Equal(a.DtS, b.DtS);
            Assert.Equal(a.PlatedFromChargeUm2, b.PlatedFromChargeUm2);
            Assert.Equal(a.Xi, b.Xi);
            Assert.Equal(a.Concentration, b.Concentration);
            Assert.Equal(a.IonicPotentialV, b.IonicPotentialV);
            Assert.Equal(a.HydrostaticMPa, b.HydrostaticMPa);
            Assert.Equal(a.VolumetricStrain, b.VolumetricStrain);
            Assert.Equal(reference.Series, resumed.Series);           // records: every column, exact
            Assert.True(a.Profile.MechanicsSolves > 0);
            if (liPlasticity) Assert.Equal(a.Mechanics!.EquivalentPlasticStrain(), b.Mechanics!.EquivalentPlasticStrain());
            // the written outputs: same files, same bytes
            var names = Directory.GetFiles(whole).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(names, Directory.GetFiles(parts).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
            Assert.Contains("fields_t0020s.tif", names);
            foreach (var n in names)
                Assert.True(File.ReadAllBytes(Path.Combine(whole, n!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(parts, n!))), $"{n} differs");
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void Checkpoint_FromOtherParameters_IsRejected()
    {
        string root = Path.Combine(Path.GetTempPath(), $"softshort-resume-{Guid.NewGuid():N}");
        try
        {
            var run = new DendriteRun(Case(2), mechanics: false) { OutputIntervalS = 1, SnapshotIntervalS = 1 };
            run.Run(root);
            var other = new DendriteRun(Case(4) with { PressureMPa = 5 }, mechanics: false);
            var e = Assert.Throws<InputException>(() => other.ReadCheckpoint(Path.Combine(root, DendriteRun.CheckpointName)));
            Assert.Contains("other parameters", e.Message);
            var withMech = new DendriteRun(Case(4));
            Assert.Throws<InputException>(() => withMech.ReadCheckpoint(Path.Combine(root, DendriteRun.CheckpointName)));
        }
        finally { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
    }
}
