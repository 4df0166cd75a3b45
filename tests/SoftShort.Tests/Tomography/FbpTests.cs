using SoftShort.Imaging;
using SoftShort.Synthetic;
using SoftShort.Tomography;

namespace SoftShort.Tests.Tomography;

public class FbpTests
{
    /// <summary>RMS error against the rasterised phantom inside radius 0.8 of the unit disc.</summary>
    internal static double RmsError(Image2D<float> rec, Image2D<float> truth, double radius = 0.8)
    {
        int n = rec.Width; double c = (n - 1) / 2.0, half = n / 2.0, s = 0; int m = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double r = Math.Sqrt((x - c) * (x - c) + (y - c) * (y - c)) / half;
                if (r > radius) continue;
                double d = rec[y, x] - truth[y, x]; s += d * d; m++;
            }
        return Math.Sqrt(s / m);
    }

    [Fact]
    public void AnglesRangeIsLinspaceWithoutEndpoint()
    {
        Assert.Equal([0.0, 45, 90, 135], ProjectionAngles.Parse("0:180:4"));
        var a = ProjectionAngles.Parse("0:360:554");
        Assert.Equal(554, a.Length);
        Assert.Equal(360.0 / 554 * 553, a[^1], 9);
        Assert.Throws<InputException>(() => ProjectionAngles.Parse("0:180:x"));
    }

    [Fact]
    public void SheppLoganErrorFallsWithAngleCount()
    {
        const int n = 128;
        var ph = EllipsePhantom.ModifiedSheppLogan();
        var truth = ph.Rasterize(n);
        double previous = double.MaxValue, first = double.NaN;
        foreach (int count in new[] { 6, 18, 54 })
        {
            var angles = ProjectionAngles.Range(0, 180, count);
            var rec = FilteredBackProjection.Reconstruct(ph.Sinogram(angles, n), angles, new FbpOptions { Filter = FbpFilter.SheppLogan });
            double e = RmsError(rec, truth);
            Assert.True(e < previous, $"{count} angles: RMS error {e:F4} did not fall below {previous:F4}");
            if (double.IsNaN(first)) first = e;
            previous = e;
        }
        Assert.True(previous < 0.05, $"RMS error with 54 angles {previous:F4} (phantom contrast 1.0)");
        Assert.True(first > 3 * previous, $"6 angles {first:F4} vs 54 angles {previous:F4}");
    }

    [Theory]
    [InlineData(FbpFilter.Ramp)]
    [InlineData(FbpFilter.SheppLogan)]
    [InlineData(FbpFilter.Cosine)]
    [InlineData(FbpFilter.Hamming)]
    [InlineData(FbpFilter.Hann)]
    public void UniformDiscInteriorWithinOnePercentInCmInverse(FbpFilter filter)
    {
        // μ = 3.3 cm⁻¹ (Li metal, 1.8 Å) on 100 µm pixels: 0.033 per pixel.
        const int n = 128; const double mu = 3.3, pixelUm = 100;
        var ph = EllipsePhantom.Disc(mu * pixelUm * 1e-4, 0.6);
        var angles = ProjectionAngles.Range(0, 360, 400);
        var rec = FilteredBackProjection.Reconstruct(ph.Sinogram(angles, n), angles, new FbpOptions { Filter = filter, PixelSizeUm = pixelUm });
        double c = (n - 1) / 2.0, s = 0; int m = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                if (Math.Sqrt((x - c) * (x - c) + (y - c) * (y - c)) < 0.45 * n / 2) { s += rec[y, x]; m++; }
        double mean = s / m;
        Assert.True(Math.Abs(mean / mu - 1) < 0.01, $"{filter}: interior mean {mean:F4} cm⁻¹ vs {mu}");
    }

    [Fact]
    public void BackProjectionIsTheTransposeOfProjection()
    {
        var g = new ParallelBeamGeometry(ProjectionAngles.Range(0, 180, 37), 50, 23.3, 48);
        var rng = new Random(3);
        var x = Enumerable.Range(0, 48 * 48).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = Enumerable.Range(0, 37 * 50).Select(_ => (float)rng.NextDouble()).ToArray();
        var ax = new float[y.Length]; var aty = new float[x.Length];
        g.Project(x, ax); g.BackProject(y, aty);
        double l = 0, r = 0;
        for (int i = 0; i < y.Length; i++) l += (double)ax[i] * y[i];
        for (int i = 0; i < x.Length; i++) r += (double)x[i] * aty[i];
        Assert.Equal(1, l / r, 4);
    }

    [Theory]
    [InlineData(true, 125)]
    [InlineData(false, 125)]
    [InlineData(true, 140)]
    [InlineData(false, 97)]
    public void SimdBackProjectionEqualsScalarReference(bool circle, int imageSize)
    {
        // Angles 0, 90, 180, 270° included (cos θ = ±1, 0: the widest and narrowest bin spans of a SIMD step),
        // an off-centre axis, image larger and smaller than the detector.
        var g = new ParallelBeamGeometry(ProjectionAngles.Range(0, 360, 96), 131, 63.7, imageSize);
        var rng = new Random(11);
        var padded = new float[g.Angles * g.PaddedBins];
        for (int i = 0; i < g.Angles; i++)
            for (int j = 0; j < g.DetectorBins; j++) padded[i * g.PaddedBins + g.PadLeft + j] = (float)(rng.NextDouble() - 0.3);
        float[] Run(ParallelBeamGeometry.Kernel k)
        {
            var img = new float[imageSize * imageSize];
            g.BackProjectPadded(padded, img, 0.5f, circle, -1, k);
            return img;
        }
        var reference = Run(ParallelBeamGeometry.Kernel.Scalar);
        double peak = reference.Max(Math.Abs);
        Assert.True(peak > 1);
        var kernels = new List<ParallelBeamGeometry.Kernel> { ParallelBeamGeometry.Kernel.Auto };
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) kernels.Add(ParallelBeamGeometry.Kernel.Avx2Gather);
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) kernels.Add(ParallelBeamGeometry.Kernel.Avx512Permute);
        foreach (var k in kernels)
        {
            var img = Run(k);
            double worst = 0;
            for (int i = 0; i < img.Length; i++) worst = Math.Max(worst, Math.Abs(img[i] - reference[i]));
            // Same t per pixel and the same summation order: equal up to float rounding of 96 terms.
            Assert.True(worst <= 1e-5 * peak, $"{k}: max |SIMD − scalar| = {worst:E2} (peak {peak:F2})");
        }
        if (circle)
        {
            double c = (imageSize - 1) / 2.0, r = imageSize / 2;
            for (int y = 0; y < imageSize; y++)
                for (int x = 0; x < imageSize; x++)
                    if ((x - c) * (x - c) + (y - c) * (y - c) > r * r + 1e-3) Assert.Equal(0f, reference[y * imageSize + x]);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(64)]
    [InlineData(2048)]
    public void SplitFftMatchesDirectDft(int n)
    {
        var rng = new Random(n);
        var re = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var im = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var fre = (float[])re.Clone(); var fim = (float[])im.Clone();
        var fft = new SplitFft(n);
        fft.Forward(fre, fim);
        double worst = 0;
        for (int k = 0; k < n; k++)
        {
            double sr = 0, si = 0;
            for (int j = 0; j < n; j++)
            {
                double a = -2 * Math.PI * ((long)j * k % n) / n;
                sr += re[j] * Math.Cos(a) - im[j] * Math.Sin(a);
                si += re[j] * Math.Sin(a) + im[j] * Math.Cos(a);
            }
            worst = Math.Max(worst, Math.Max(Math.Abs(sr - fre[k]), Math.Abs(si - fim[k])));
        }
        Assert.True(worst < 1e-5 * n, $"n = {n}: max |FFT − DFT| = {worst:E2}");
        fft.Inverse(fre, fim);
        double back = 0;
        for (int j = 0; j < n; j++) back = Math.Max(back, Math.Max(Math.Abs(re[j] - fre[j] / n), Math.Abs(im[j] - fim[j] / n)));
        Assert.True(back < 1e-5, $"n = {n}: inverse(forward(x))/n differs from x by {back:E2}");
    }

    [Theory]
    [InlineData(-3.3, 1)]
    [InlineData(1.7, 2)]
    [InlineData(4.25, 3)]
    public void CenterFinderRecoversShiftedAxis(double shift, int seed)
    {
        const int n = 96;
        var ph = EllipsePhantom.ModifiedSheppLogan();
        double center = (n - 1) / 2.0 + shift;
        var angles = ProjectionAngles.Range(0, 360, 180);
        var sino = ph.Sinogram(angles, n, center, imageSize: 80);
        var rng = new Random(seed);
        for (int i = 0; i < sino.Pixels.Length; i++) sino.Pixels[i] += (float)(0.2 * (rng.NextDouble() - 0.5));
        double fromSino = CenterOfRotation.FromSinogram(sino.Pixels, angles, n);
        double fromPair = CenterOfRotation.FromOpposingPair(sino.Row(0), sino.Row(90));
        Assert.True(Math.Abs(fromSino - center) < 0.05, $"sinogram method {fromSino:F3} vs {center}");
        Assert.True(Math.Abs(fromPair - center) < 0.1, $"0°/180° pair {fromPair:F3} vs {center}");
        // Reconstructing with the found centre beats the default centre.
        var truth = ph.Rasterize(80);
        var good = FilteredBackProjection.Reconstruct(sino, angles, new FbpOptions { CenterPx = fromSino, ImageSize = 80 });
        var bad = FilteredBackProjection.Reconstruct(sino, angles, new FbpOptions { ImageSize = 80 });
        Assert.True(RmsError(good, truth) < 0.7 * RmsError(bad, truth));
    }

    [Fact]
    public void IterativeMethodsBeatFbpOnFewAngles()
    {
        const int n = 64;
        var ph = EllipsePhantom.ModifiedSheppLogan();
        var truth = ph.Rasterize(n);
        var angles = ProjectionAngles.Range(0, 180, 12);
        var sino = ph.Sinogram(angles, n);
        double fbp = RmsError(FilteredBackProjection.Reconstruct(sino, angles), truth);
        double sirt = RmsError(IterativeReconstruction.Reconstruct(sino, angles, IterativeMethod.Sirt, 200), truth);
        double cgls = RmsError(IterativeReconstruction.Reconstruct(sino, angles, IterativeMethod.Cgls, 12), truth);
        Assert.True(sirt < fbp, $"SIRT {sirt:F4} vs FBP {fbp:F4}");
        Assert.True(cgls < fbp, $"CGLS {cgls:F4} vs FBP {fbp:F4}");
    }

    [Fact]
    public void StripeRemovalSuppressesRing()
    {
        const int n = 96;
        var ph = EllipsePhantom.Disc(0.02, 0.7);
        var angles = ProjectionAngles.Range(0, 180, 180);
        var sino = ph.Sinogram(angles, n);
        for (int a = 0; a < angles.Length; a++) sino[a, 60] += 0.3f; // a detector column 0.3 too high: a ring at radius 12.5 px
        var truth = ph.Rasterize(n);
        double before = RmsError(FilteredBackProjection.Reconstruct(sino, angles), truth, 0.6);
        Sinograms.RemoveStripes(sino.Pixels, angles.Length, n);
        double after = RmsError(FilteredBackProjection.Reconstruct(sino, angles), truth, 0.6);
        Assert.True(after < 0.2 * before, $"ring RMS {before:F4} → {after:F4}");
    }

    [Fact]
    public void BadInputGivesInputException()
    {
        var angles = ProjectionAngles.Range(0, 180, 10);
        var sino = new Image2D<float>(32, 11);
        Assert.Contains("11 rows", Assert.Throws<InputException>(() => FilteredBackProjection.Reconstruct(sino, angles)).Message);
        var ok = new Image2D<float>(32, 10);
        Assert.Contains("--center", Assert.Throws<InputException>(() => FilteredBackProjection.Reconstruct(ok, angles, new FbpOptions { CenterPx = 40 })).Message);
        ok[3, 4] = float.NaN;
        Assert.Throws<InputException>(() => FilteredBackProjection.Reconstruct(ok, angles));
    }
}

public class VolumeBadInputTests
{
    [Fact]
    public void ZeroOpenBeamAndAngleMismatchAreInputErrors()
    {
        var ob = new SoftShort.Imaging.Image2D<float>(16, 4); var df = new SoftShort.Imaging.Image2D<float>(16, 4);
        Array.Fill(ob.Pixels, 100f); Array.Fill(df.Pixels, 10f);
        ob[2, 3] = 10f; // open beam not above dark field at one pixel
        var norm = new SoftShort.Imaging.Normalizer(ob, df);
        var pages = Enumerable.Range(0, 8).Select(_ => Enumerable.Repeat(50f, 64).ToArray()).ToList();
        var e = Assert.Throws<InputException>(() => VolumeReconstruction.Reconstruct(pages, 16, 4, ProjectionAngles.Range(0, 180, 8), norm, new VolumeReconstructionOptions()));
        Assert.Contains("open beam", e.Message);
        Assert.Throws<InputException>(() => VolumeReconstruction.Reconstruct(pages, 16, 4, ProjectionAngles.Range(0, 180, 9), null, new VolumeReconstructionOptions()));
        pages[3][5] = float.PositiveInfinity;
        Assert.Throws<InputException>(() => VolumeReconstruction.Reconstruct(pages, 16, 4, ProjectionAngles.Range(0, 180, 8), null, new VolumeReconstructionOptions()));
    }
}
