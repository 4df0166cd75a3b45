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
