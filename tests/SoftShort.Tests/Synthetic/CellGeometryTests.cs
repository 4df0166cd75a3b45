using SoftShort.Synthetic;

namespace SoftShort.Tests.Synthetic;

public class CellGeometryTests
{
    [Fact]
    public void Se_thickness_follows_mass_density_porosity_and_area_by_hand()
    {
        // 60 mg / (1.87 g cm⁻³ · 0.8375) = 0.038310 cm³; / (π · 0.3175² cm²) = 0.12097 cm.
        var cell = new CellGeometry();
        Assert.Equal(1209.7, cell.SeThicknessUm, 0);
        // Doubling the mass doubles the thickness; halving the solid fraction doubles it too.
        Assert.Equal(2 * cell.SeThicknessUm, (cell with { SeMassMg = 120 }).SeThicknessUm, 6);
    }

    [Fact]
    public void Layers_are_contiguous_and_materials_are_found_where_they_lie()
    {
        var cell = new CellGeometry();
        var layers = cell.Layers();
        for (int i = 1; i < layers.Count; i++) Assert.Equal(layers[i - 1].EndUm, layers[i].StartUm, 9);
        Assert.Equal(CellMaterial.Lithium, cell.MaterialAt(0, 100));
        Assert.Equal(CellMaterial.SolidElectrolyte, cell.MaterialAt(1000, 250 + 500));
        Assert.Equal(CellMaterial.Ptfe, cell.MaterialAt(-4000, 100));
        Assert.Equal(CellMaterial.Air, cell.MaterialAt(5000, 100));
        Assert.Equal(CellMaterial.StainlessSteel, cell.MaterialAt(0, -10));
    }
}
