using System.Runtime.CompilerServices;
using SoftShort.IO;
using SoftShort.Tomography;

namespace SoftShort.Tests.Tomography;

/// <summary>FBP against scikit-image 0.19.3 <c>iradon</c> (fixture made by Fixtures/make_iradon_fixture.py).</summary>
public class IradonFixtureTests
{
    static string Fixture(string name, [CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", name);

    [Theory]
    [InlineData("ramp")]
    [InlineData("shepp-logan")]
    [InlineData("cosine")]
    [InlineData("hamming")]
    [InlineData("hann")]
    public void MatchesScikitImageIradon(string filter)
    {
        var sino = Tiff.ReadPageAsFloat(Fixture("sino.tif"));
        var expected = Tiff.ReadPageAsFloat(Fixture($"iradon_{filter}.tif"));
        var angles = ProjectionAngles.Range(0, 180, 60);
        var rec = FilteredBackProjection.Reconstruct(sino, angles, new FbpOptions { Filter = FbpFilters.Parse(filter), CircleMask = true });
        double max = expected.Pixels.Max(v => Math.Abs(v)), worst = 0;
        for (int i = 0; i < rec.Pixels.Length; i++) worst = Math.Max(worst, Math.Abs(rec.Pixels[i] - expected.Pixels[i]));
        Assert.True(worst < 2e-3 * max, $"{filter}: max |difference| {worst:G3} (image max {max:G3})");
    }
}
