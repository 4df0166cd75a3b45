using SoftShort.Synthetic;

namespace SoftShort.Tests.Radiography;

public class NeutronCrossSectionTests
{
    [Fact]
    public void LithiumMacroscopicCrossSection_MatchesHandComputation()
    {
        // N = ρ N_A / M = 0.534 · 6.02214076e23 / 6.94; Σ = N (0.454 + 0.92 + 70.5) b
        double n = 0.534 * 6.02214076e23 / 6.94;
        double sigma = n * (0.454 + 0.92 + 70.5) * 1e-24;
        var li = NeutronCrossSections.Lithium;
        Assert.Equal(sigma, li.AttenuationPerCm(1.798), 6);
        Assert.InRange(sigma, 3.32, 3.34);
        // 1/v: absorption doubles at twice the wavelength
        Assert.Equal(li.AbsorptionRefPerCm * 2, li.AttenuationPerCm(2 * 1.798) - li.ScatteringPerCm, 9);
    }

    [Fact]
    public void LiRichMaterialsAttenuateMoreThanPtfe()
    {
        var cell = new CellGeometry();
        double li = NeutronCrossSections.For(CellMaterial.Lithium, cell).AttenuationPerCm(2.6);
        double se = NeutronCrossSections.For(CellMaterial.SolidElectrolyte, cell).AttenuationPerCm(2.6);
        double cat = NeutronCrossSections.For(CellMaterial.Cathode, cell).AttenuationPerCm(2.6);
        double ptfe = NeutronCrossSections.Ptfe.AttenuationPerCm(2.6);
        double ss = NeutronCrossSections.StainlessSteel.AttenuationPerCm(2.6);
        Assert.True(li > se && se > ptfe && cat > ptfe, $"Li {li}, SE {se}, cathode {cat}, PTFE {ptfe}");
        Assert.InRange(ss, 0.8, 1.6); // SS 304 total ≈ 1.1–1.2 cm⁻¹ at ~2 Å (free-atom)
        Assert.Equal(0, NeutronMaterial.Vacuum.AttenuationPerCm(3));
    }

    [Fact]
    public void MixtureConservesAtoms()
    {
        var a = NeutronCrossSections.Lithium;
        var m = NeutronMaterial.Mixture("half Li", [(a, 1.0)], a.DensityGPerCm3 / 2);
        Assert.Equal(a.AttenuationPerCm(2) / 2, m.AttenuationPerCm(2), 9);
        Assert.Equal(a.AttenuationPerCm(2) * 0.75, a.WithPorosity(0.25).AttenuationPerCm(2), 9);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void SlabTransmission_IsBeerLambertAveragedOverSpectrum(double lengthCm)
    {
        var li = NeutronCrossSections.Lithium;
        var mono = NeutronSpectrum.Monochromatic(2.6);
        Assert.Equal(Math.Exp(-li.AttenuationPerCm(2.6) * lengthCm), mono.Transmission(li, lengthCm), 12);
        var spec = NeutronSpectrum.ColdCG1D();
        double direct = 0;
        for (int k = 0; k < spec.WavelengthA.Count; k++) direct += spec.Weight[k] * Math.Exp(-li.AttenuationPerCm(spec.WavelengthA[k]) * lengthCm);
        Assert.Equal(direct, spec.Transmission(li, lengthCm), 12);
        // polychromatic beam hardening: transmission above that at the mean wavelength (Jensen)
        Assert.True(spec.Transmission(li, lengthCm) >= Math.Exp(-li.AttenuationPerCm(spec.MeanWavelengthA) * lengthCm) - 1e-12);
        var table = spec.AbsorptionTable(10);
        double d = li.AbsorptionRefPerCm * lengthCm;
        Assert.Equal(spec.Transmission(0, d), table(d), 4);
    }

    [Fact]
    public void ColdSpectrumPeaksAt26Angstrom()
    {
        var s = NeutronSpectrum.ColdCG1D(points: 521);
        int k = Enumerable.Range(0, s.Weight.Count).MaxBy(i => s.Weight[i]);
        Assert.InRange(s.WavelengthA[k], 2.58, 2.62);
        Assert.Equal(1.0, s.Weight.Sum(), 12);
    }

    [Fact]
    public void Geometry_BulgeLeavesGapAroundLiButNotAroundSe()
    {
        var c = new CellGeometry { BulgeRadialUm = 100, BulgeTaperUm = 400 };
        var (p0, p1) = c.PelletExtentUm;
        double zSe = (p0 + p1) / 2;
        Assert.Equal(c.BoreRadiusUm + 100, c.BoreRadiusAtUm(zSe), 9);
        Assert.Equal(0, c.GapWidthAtUm(zSe), 9);
        Assert.Equal(CellMaterial.SolidElectrolyte, c.MaterialAtRadius(c.BoreRadiusUm + 50, zSe));
        double zLi = c.LiThicknessUm / 2; // 125 µm before the pellet: taper cos → 0.5(1+cos(π·125/400))
        double expected = 100 * 0.5 * (1 + Math.Cos(Math.PI * (p0 - zLi) / 400));
        Assert.Equal(expected, c.GapWidthAtUm(zLi), 9);
        Assert.Equal(CellMaterial.Air, c.MaterialAtRadius(c.BoreRadiusUm + expected / 2, zLi));
        Assert.Equal(CellMaterial.Lithium, c.MaterialAt(0, 100, zLi));
        Assert.Equal(CellMaterial.Ptfe, c.MaterialAtRadius(c.BoreRadiusUm + expected + 10, zLi));
        Assert.Equal(0, c.GapWidthAtUm(-1000), 9); // far along the rod: no bulge
        var shells = c.RadialShells(zLi);
        Assert.Equal([CellMaterial.Lithium, CellMaterial.Air, CellMaterial.Ptfe], shells.Select(s => s.Material));
        var straight = new CellGeometry { BulgeRadialUm = 0 };
        Assert.Equal(2, straight.RadialShells(zLi).Count);
    }
}

public class ForwardModelTests
{
    [Theory]
    [InlineData(0.0, 0.3175)]
    [InlineData(0.2, 0.3175)]
    [InlineData(0.31, 0.3175)]
    public void CylinderChord_IsTwoRootRSquaredMinusXSquared(double xCm, double rCm)
    {
        Assert.Equal(2 * Math.Sqrt(rCm * rCm - xCm * xCm), OperandoRadiography.Chord(xCm, 0, rCm), 12);
        // annulus = outer disc chord − inner disc chord
        Assert.Equal(2 * Math.Sqrt(rCm * rCm - xCm * xCm) - 2 * Math.Sqrt(Math.Max(0, 0.25 * rCm * rCm - xCm * xCm)), OperandoRadiography.Chord(xCm, 0.5 * rCm, rCm), 12);
        Assert.Equal(0, OperandoRadiography.Chord(rCm * 1.01, 0, rCm));
    }

    [Fact]
    public void StaticTransmission_MatchesBeerLambertThroughRodAndTube()
    {
        // straight tube (no bulge), no blur: on the axis in the SS rod, T = spectrum-averaged exp(−Σ_SS·2R − Σ_PTFE·2(R_o − R))
        var cell = new CellGeometry { BulgeRadialUm = 0 };
        var det = DetectorOptions.Small with { BlurFwhmUm = 0.01 };
        var g = new OperandoRadiography(cell, detector: det);
        var t = g.StaticTransmission();
        int y = (int)Math.Round(g.RowAt(-300)); // inside the anode-side rod
        int x = (int)Math.Round(det.AxisX);
        double u = Math.Abs(g.UAt(x)) * 1e-4, r = cell.BoreRadiusUm * 1e-4, ro = cell.TubeOuterDiameterUm / 2 * 1e-4;
        double lss = 2 * Math.Sqrt(r * r - u * u), lp = 2 * Math.Sqrt(ro * ro - u * u) - lss;
        var ss = NeutronCrossSections.StainlessSteel; var p = NeutronCrossSections.Ptfe;
        double expected = g.Spectrum.Transmission(ss.ScatteringPerCm * lss + p.ScatteringPerCm * lp, ss.AbsorptionRefPerCm * lss + p.AbsorptionRefPerCm * lp);
        Assert.Equal(expected, t[y * g.Width + x], 2); // 3×5 sub-samples across the pixel vary the chord slightly
        // outside the tube: no attenuation
        Assert.Equal(1.0, t[y * g.Width + 2], 6);
    }

    [Fact]
    public void PlantedLiFollowsTheCharge()
    {
        var g = new OperandoRadiography();
        var s = g.Scenario;
        // before the soft short, P1 loss = P2 gain = Faraday's Li of the charge passed; P3 loss = P4 gain (creep conserves Li)
        double t = s.RestS + 2 * 3600;
        var v = g.ProcessLiVolumesCm3(t);
        double vF = g.CurrentA * 7200 / global::SoftShort.Electrochemistry.Faraday.ConstantCPerMol * global::SoftShort.Electrochemistry.Faraday.LiMolarVolumeCm3PerMol;
        Assert.Equal(-vF, v[0], 12);
        Assert.Equal(vF, v[1], 12);
        Assert.Equal(-v[2], v[3], 12);
        Assert.All(g.ProcessLiVolumesCm3(s.RestS - 1), x => Assert.Equal(0, x));
    }
}

public class MedianBinningTests
{
    [Fact]
    public void StreamingBins_MatchDirectMedian_AndFlagPartial()
    {
        var rng = new Random(5);
        int w = 7, h = 3, n = 4;
        var frames = Enumerable.Range(0, 10).Select(i => new SoftShort.Imaging.TimedFrame(i * 10.0, Enumerable.Range(0, w * h).Select(_ => (float)rng.Next(100)).ToArray(), i < 5 ? 0 : 1e-4)).ToList();
        var bins = SoftShort.Imaging.MedianBinning.Bin(frames, w, h, n).ToList();
        Assert.Equal(3, bins.Count);
        Assert.True(bins[2].Partial); Assert.Equal(2, bins[2].Frames);
        Assert.Equal(15.0, bins[0].TimeS); Assert.Equal(85.0, bins[2].TimeS);
        for (int b = 0; b < 3; b++)
            for (int i = 0; i < w * h; i++)
            {
                var v = frames.Skip(b * n).Take(n).Select(f => f.Pixels[i]).OrderBy(x => x).ToArray();
                float m = v.Length % 2 == 1 ? v[v.Length / 2] : 0.5f * (v[v.Length / 2 - 1] + v[v.Length / 2]);
                Assert.Equal(m, bins[b].Pixels[i]);
            }
        Assert.Equal(2, SoftShort.Imaging.MedianBinning.Bin(frames, w, h, n, dropPartial: true).Count());
        Assert.Throws<InputException>(() => SoftShort.Imaging.MedianBinning.Bin(frames, w + 1, h, n).ToList());
        Assert.All(bins, b => Assert.Null(b.MeanPixels));
    }

    [Fact]
    public void KeptBinMeans_AreTheDirectNanIgnoringMeans()
    {
        var rng = new Random(9);
        int w = 5, h = 4, n = 3;
        var frames = Enumerable.Range(0, 8).Select(i => new SoftShort.Imaging.TimedFrame(i * 10.0,
            Enumerable.Range(0, w * h).Select(j => j == 7 || (j == 3 && i % 3 == 0) ? float.NaN : (float)rng.Next(1000)).ToArray())).ToList();
        var bins = SoftShort.Imaging.MedianBinning.Bin(frames, w, h, n, keepMean: true).ToList();
        Assert.Equal(3, bins.Count);
        for (int b = 0; b < bins.Count; b++)
            for (int i = 0; i < w * h; i++)
            {
                var v = frames.Skip(b * n).Take(n).Select(f => (double)f.Pixels[i]).Where(x => !double.IsNaN(x)).ToArray();
                if (v.Length == 0) Assert.True(float.IsNaN(bins[b].MeanPixels![i]));
                else Assert.Equal(v.Average(), bins[b].MeanPixels![i], 3);
            }
    }
}
