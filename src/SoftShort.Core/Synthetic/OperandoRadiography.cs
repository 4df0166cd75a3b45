using System.Runtime.CompilerServices;
using SoftShort.Electrochemistry;

namespace SoftShort.Synthetic;

/// <summary>
/// The planted Li evolution of the paper's operando experiment (Cao et al. 2023, Sec. 2.2, Fig. 2D–E, S9).
/// Times in s from the start of acquisition; the charge starts after <see cref="RestS"/> of open circuit, so that
/// Tr₀ is the mean of the bins before the current starts.
/// </summary>
public sealed record OperandoScenario
{
    /// <summary>Open-circuit rest imaged before the current starts, s. Default 1800 (assumption; gives 6 reference bins).</summary>
    public double RestS { get; init; } = 1800;
    /// <summary>Charge duration, s: 20 h at C/20 (paper).</summary>
    public double ChargeS { get; init; } = 20 * 3600;
    /// <summary>Charge current, A; NaN = C/20 of the cell's NMC811 at 200 mA g⁻¹ (≈ 63 µA, paper).</summary>
    public double CurrentA { get; init; } = double.NaN;
    /// <summary>Soft-short onset after the current starts, s: "around 4.5 h" (paper, Fig. 2B).</summary>
    public double SoftShortOnsetS { get; init; } = 4.5 * 3600;
    /// <summary>
    /// Fraction of the current that stays Faradaic after the soft short (the rest leaks electronically through the Li filaments).
    /// The paper shows only that Faradaic reactions continue; 0.7 is an assumption.
    /// </summary>
    public double FaradaicFractionAfterShort { get; init; } = 0.7;
    /// <summary>P1: amplitude of the cathode-Li oscillation after the soft short (Fig. S9), relative to the Li of a full 20-h charge at the cell current. Default 0.08.</summary>
    public double P1OscillationRel { get; init; } = 0.08;
    /// <summary>P1 oscillation period, s. Default 1.5 h.</summary>
    public double P1OscillationPeriodS { get; init; } = 5400;
    /// <summary>P2: width of the SE band next to the Li|SE interface whose pores take the plated Li, µm. Default 120.</summary>
    public double P2BandUm { get; init; } = 120;
    /// <summary>P2: standard deviation of the fluctuation of the plated Li after the soft short (filaments forming and breaking), relative to the Li of a full 20-h charge at the cell current. Default 0.12.</summary>
    public double P2FluctuationRel { get; init; } = 0.12;
    /// <summary>P3: width of the depleted band of the Li foil at the Li|SS interface, µm. Default 50.</summary>
    public double P3BandUm { get; init; } = 50;
    /// <summary>P3: volume fraction of Li lost from that band at the end of the charge (Li creeping away). Default 0.12.</summary>
    public double P3FinalLossFraction { get; init; } = 0.12;
    /// <summary>P3 (and P4) onset after the current starts, s. Default 1 h ("close to P2 at the time scale", paper).</summary>
    public double P3OnsetS { get; init; } = 3600;
    /// <summary>P3 (and P4) time constant, s: the creep relaxes as 1 − exp(−(t − onset)/τ) (stress relaxation under the 10 MPa stack pressure). Assumption: 2 h.</summary>
    public double P3TimeConstantS { get; init; } = 7200;
    /// <summary>P4: half-height of the band of the PTFE gap, centred on the P3 band, that the crept Li fills, µm. Default 150.</summary>
    public double P4HalfHeightUm { get; init; } = 150;
    /// <summary>Total acquisition time, s.</summary>
    public double DurationS => RestS + ChargeS;
}

/// <summary>Detector and beam of the CG1D operando setup (paper, Experimental section) for <see cref="OperandoRadiography"/>.</summary>
public sealed record DetectorOptions
{
    /// <summary>Frame width, px.</summary>
    public int Width { get; init; } = 424;
    /// <summary>Frame height, px.</summary>
    public int Height { get; init; } = 104;
    /// <summary>Pixel size, µm. Small default 25; the paper-size setup uses 6.5 (Andor Zyla 5.5 pixel at 1:1, an assumption).</summary>
    public double PixelSizeUm { get; init; } = 25;
    /// <summary>Axial position z (µm, <see cref="CellGeometry.Layers"/>) of the centre of row 0. The cell axis runs down the image.</summary>
    public double ZTopUm { get; init; } = -500;
    /// <summary>Column of the cell axis (px, may be fractional).</summary>
    public double AxisX { get; init; } = 211.7;
    /// <summary>Frame interval = exposure, s (paper: one radiograph every 10 s).</summary>
    public double FrameIntervalS { get; init; } = 10;
    /// <summary>Neutron flux at the sample, n cm⁻² s⁻¹ (paper: 2.2 × 10⁶ at CG1D).</summary>
    public double FluxPerCm2S { get; init; } = 2.2e6;
    /// <summary>Detection efficiency of the 20 µm Gd2O2S:Tb screen for the cold beam. Assumption: 0.25.</summary>
    public double DetectionEfficiency { get; init; } = 0.25;
    /// <summary>Camera counts (ADU) per detected neutron. Assumption: 300.</summary>
    public double GainAduPerNeutron { get; init; } = 300;
    /// <summary>Dark-field offset, ADU (sCMOS bias ≈ 100).</summary>
    public double DarkOffsetAdu { get; init; } = 100;
    /// <summary>Read noise, ADU rms (Zyla 5.5: ≈ 1–3 e⁻).</summary>
    public double ReadNoiseAdu { get; init; } = 2;
    /// <summary>Spatial resolution as the FWHM of a Gaussian blur, µm (paper: 25 µm).</summary>
    public double BlurFwhmUm { get; init; } = 25;
    /// <summary>Beam non-uniformity: relative intensity drop from the centre to the frame corner. Default 0.2.</summary>
    public double BeamNonUniformity { get; init; } = 0.2;
    /// <summary>Relative amplitude of the slow beam-intensity drift (reactor power, 6 h period). Default 0.04.</summary>
    public double DriftAmplitude { get; init; } = 0.04;
    /// <summary>Gamma spots (saturated isolated pixels) per megapixel per frame. Default 40.</summary>
    public double GammaSpotsPerMegapixel { get; init; } = 40;
    /// <summary>Fraction of hot (stuck at saturation) pixels. Default 2 × 10⁻⁴.</summary>
    public double HotPixelFraction { get; init; } = 2e-4;
    /// <summary>Open-beam frames (taken before the experiment). Default 10.</summary>
    public int OpenBeamFrames { get; init; } = 10;
    /// <summary>Dark-field frames. Default 5.</summary>
    public int DarkFieldFrames { get; init; } = 5;

    /// <summary>Mean detected neutrons per open-beam pixel per frame.</summary>
    public double NeutronsPerPixel => FluxPerCm2S * Math.Pow(PixelSizeUm * 1e-4, 2) * FrameIntervalS * DetectionEfficiency;

    /// <summary>The small default (424 × 104 px at 25 µm: the whole cell width, SS|Li to cathode|SS with margins).</summary>
    public static DetectorOptions Small { get; } = new();

    /// <summary>The paper's camera: 2560 × 2160 px, at 6.5 µm per pixel (assumption), centred on the pellet.</summary>
    public static DetectorOptions Paper { get; } = new() { Width = 2560, Height = 2160, PixelSizeUm = 6.5, ZTopUm = 775 - 1080 * 6.5, AxisX = 1279.6 };
}

/// <summary>One raw camera frame: index in the acquisition, acquisition time (s, start of exposure) and 16-bit counts.</summary>
public sealed record RawFrame(int Index, double TimeS, ushort[] Pixels);

/// <summary>A planted Li band (P1–P4) with its true position and timing.</summary>
/// <param name="Name">P1..P4.</param>
/// <param name="Sign">+1 depletion (Tr_t/Tr_0 &gt; 1), −1 enrichment.</param>
/// <param name="PositionMm">Volume centroid of the Li change along the axis, mm from the cathode|SS interface (towards the anode).</param>
/// <param name="Row">The same position as an image row (sub-pixel).</param>
/// <param name="OnsetS">Onset time, s from the start of acquisition.</param>
/// <param name="FinalLiUm">Li change at the end, as a dense-Li thickness over the bore, µm (signed: + enrichment).</param>
/// <param name="Roi">Where the band shows best: "I" (cell middle) or "II" (cell edge).</param>
public sealed record PlantedBand(string Name, int Sign, double PositionMm, double Row, double OnsetS, double FinalLiUm, string Roi);

/// <summary>
/// Synthetic operando neutron radiography of the paper's cell (forward model with planted truth): axisymmetric cell with
/// its bulge and gap (<see cref="CellGeometry"/>), macroscopic cross sections from Sears 1992 (<see cref="NeutronCrossSections"/>),
/// Beer–Lambert along straight rays averaged over the CG1D spectrum, planted Li evolution P1–P4 and the soft short
/// (<see cref="OperandoScenario"/>), and detector realism (Poisson counting at the stated flux, 25 µm blur, non-uniform
/// and drifting beam, DF offset and read noise, gamma spots, hot pixels). Deterministic for a seed; frames are generated
/// one at a time (streaming), so the paper-size 7200-frame run needs no disk.
/// </summary>
public sealed class OperandoRadiography
{
    const int SubX = 3, SubZ = 5;
    /// <summary>Shape κ of the per-neutron light-yield distribution (gamma-like; Swank factor κ/(κ+1) = 0.8). Assumption.</summary>
    const double SwankShape = 4;
    readonly float[] _t0, _t0Blur; // static transmission (unblurred, blurred)
    readonly float[] _dbar;        // mean absorption depth at λ₀ per pixel (for the linearised update)
    readonly float[][] _chord;     // per process p: mean chord (cm) through its region per pixel, rows _rowLo.._rowHi
    readonly double[] _regionVolumeCm3;
    readonly int _rowLo, _rowHi;
    readonly float[] _beam, _dark;
    readonly int[] _hot;
    readonly double[] _kernel;
    readonly double[] _p2Freq, _p2Phase;
    readonly Func<double, double> _absTable;
    readonly double _liSigmaS, _liSigmaA;

    public OperandoRadiography(CellGeometry? cell = null, OperandoScenario? scenario = null, DetectorOptions? detector = null, int seed = 1, NeutronSpectrum? spectrum = null)
    {
        Cell = cell ?? new CellGeometry();
        Scenario = scenario ?? new OperandoScenario();
        Detector = detector ?? DetectorOptions.Small;
        Seed = seed;
        Spectrum = spectrum ?? NeutronSpectrum.ColdCG1D();
        var d = Detector;
        InputException.Require(d.Width > 0 && d.Height > 0 && (long)d.Width * d.Height <= 50_000_000, "detector size", $"{d.Width}×{d.Height} is not a sensible frame");
        InputException.Require(d.PixelSizeUm > 0, "pixel size", "must be positive");
        CurrentA = double.IsNaN(Scenario.CurrentA) ? ChargeBudget.ForPaperCell(Cell).CurrentA : Scenario.CurrentA;
        InputException.Require(CurrentA >= 0, "current", "must be ≥ 0");
        var li = NeutronCrossSections.Lithium;
        _liSigmaS = li.ScatteringPerCm; _liSigmaA = li.AbsorptionRefPerCm;
        _absTable = Spectrum.AbsorptionTable(40);

        int w = d.Width, h = d.Height, n = w * h;
        var t0 = new float[n]; _dbar = new float[n];
        var mats = Enum.GetValues<CellMaterial>().ToDictionary(m => m, m => NeutronCrossSections.For(m, Cell));
        Parallel.For(0, h, y =>
        {
            for (int x = 0; x < w; x++)
            {
                double tsum = 0, dsum = 0;
                for (int sz = 0; sz < SubZ; sz++)
                {
                    double z = ZAt(y + (sz + 0.5) / SubZ - 0.5);
                    var shells = Cell.RadialShells(z);
                    for (int sx = 0; sx < SubX; sx++)
                    {
                        double u = Math.Abs(UAt(x + (sx + 0.5) / SubX - 0.5)) * 1e-4; // cm
                        double a = 0, dd = 0;
                        foreach (var (m, r0, r1) in shells)
                        {
                            double c = Chord(u, r0 * 1e-4, r1 * 1e-4);
                            if (c <= 0) continue;
                            a += mats[m].ScatteringPerCm * c; dd += mats[m].AbsorptionRefPerCm * c;
                        }
                        tsum += Math.Exp(-a) * _absTable(dd); dsum += dd;
                    }
                }
                t0[y * w + x] = (float)(tsum / (SubX * SubZ));
                _dbar[y * w + x] = (float)(dsum / (SubX * SubZ));
            }
        });
        _kernel = GaussianKernel(d.BlurFwhmUm / 2.3548 / d.PixelSizeUm);
        _t0 = t0;
        _t0Blur = (float[])t0.Clone();
        Blur(_t0Blur, w, 0, h - 1);

        // process regions (z ranges) and their rows
        var bands = ProcessZRanges();
        double zMin = bands.Min(b => b.Z0), zMax = bands.Max(b => b.Z1);
        _rowLo = Math.Max(0, (int)Math.Floor((zMin - d.ZTopUm) / d.PixelSizeUm) - 1);
        _rowHi = Math.Min(h - 1, (int)Math.Ceiling((zMax - d.ZTopUm) / d.PixelSizeUm) + 1);
        int rows = Math.Max(0, _rowHi - _rowLo + 1);
        _chord = new float[4][];
        _regionVolumeCm3 = new double[4];
        for (int p = 0; p < 4; p++)
        {
            var ch = new float[rows * w];
            var (z0, z1, ri, ro) = bands[p];
            for (int yy = 0; yy < rows; yy++)
                for (int x = 0; x < w; x++)
                {
                    double s = 0;
                    for (int sz = 0; sz < SubZ; sz++)
                    {
                        double z = ZAt(_rowLo + yy + (sz + 0.5) / SubZ - 0.5);
                        if (z < z0 || z >= z1) continue;
                        double a = ri(z) * 1e-4, b = ro(z) * 1e-4;
                        for (int sx = 0; sx < SubX; sx++)
                            s += Chord(Math.Abs(UAt(x + (sx + 0.5) / SubX - 0.5)) * 1e-4, a, b);
                    }
                    ch[yy * w + x] = (float)(s / (SubX * SubZ));
                }
            _chord[p] = ch;
            // region volume: ∫ π (b² − a²) dz
            double vol = 0; int steps = 2000;
            for (int i = 0; i < steps; i++)
            {
                double z = z0 + (z1 - z0) * (i + 0.5) / steps;
                double a = ri(z) * 1e-4, b = ro(z) * 1e-4;
                vol += Math.PI * (b * b - a * a) * (z1 - z0) * 1e-4 / steps;
            }
            _regionVolumeCm3[p] = vol;
        }

        // beam profile, dark offset map, hot pixels, fluctuation spectrum: all from the seed
        _beam = new float[n]; _dark = new float[n];
        var rng = new Rng(Hash(seed, 0x6265616d, 0, 0));
        double cx = w * (0.5 + 0.1 * (rng.NextDouble() - 0.5)), cy = h * (0.5 + 0.1 * (rng.NextDouble() - 0.5));
        double rr = Math.Sqrt(w * w + h * h) / 2;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double q = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (rr * rr);
                _beam[y * w + x] = (float)(1 - d.BeamNonUniformity * q);
                _dark[y * w + x] = (float)(d.DarkOffsetAdu * (1 + 0.02 * Math.Sin(0.05 * x) * Math.Cos(0.07 * y)));
            }
        int nHot = (int)Math.Round(n * d.HotPixelFraction);
        _hot = new int[nHot];
        for (int i = 0; i < nHot; i++) _hot[i] = (int)(rng.NextULong() % (ulong)n);
        _p2Freq = new double[6]; _p2Phase = new double[6];
        for (int i = 0; i < 6; i++) { _p2Freq[i] = 2 * Math.PI / (900 + 2700 * rng.NextDouble()); _p2Phase[i] = 2 * Math.PI * rng.NextDouble(); }
        Truth = BuildTruth(bands);
    }

    public CellGeometry Cell { get; }
    public OperandoScenario Scenario { get; }
    public DetectorOptions Detector { get; }
    public NeutronSpectrum Spectrum { get; }
    public int Seed { get; }
    /// <summary>Charge current, A.</summary>
    public double CurrentA { get; }
    /// <summary>The planted bands P1–P4.</summary>
    public IReadOnlyList<PlantedBand> Truth { get; }
    /// <summary>Total frames of the acquisition (duration / frame interval).</summary>
    public int FrameCount => (int)Math.Round(Scenario.DurationS / Detector.FrameIntervalS);
    public int Width => Detector.Width;
    public int Height => Detector.Height;

    /// <summary>The static (t = 0) blurred transmission, noise-free: the ground truth of a normalised radiograph.</summary>
    public float[] StaticTransmission() => (float[])_t0Blur.Clone();

    /// <summary>Axial position (µm) of an image row coordinate (pixel centres at integers).</summary>
    public double ZAt(double row) => Detector.ZTopUm + row * Detector.PixelSizeUm;
    /// <summary>Image row coordinate of an axial position z (µm).</summary>
    public double RowAt(double zUm) => (zUm - Detector.ZTopUm) / Detector.PixelSizeUm;
    /// <summary>Lateral distance from the axis (µm, signed) of a column coordinate.</summary>
    public double UAt(double column) => (column - Detector.AxisX) * Detector.PixelSizeUm;

    /// <summary>Layer interfaces SS|Li, Li|SE, SE|cathode, cathode|SS as axial positions z, µm.</summary>
    public double[] InterfacesZUm()
    {
        var l = Cell.Layers();
        return [l[1].StartUm, l[2].StartUm, l[3].StartUm, l[4].StartUm];
    }

    /// <summary>Position in mm from the cathode|SS interface (towards the anode) of an axial position z (µm).</summary>
    public double MmFromCathodeSs(double zUm) => (InterfacesZUm()[3] - zUm) / 1000;

    /// <summary>Cell current at time t (s from acquisition start), A: 0 during the rest, the charge current during the charge.</summary>
    public double CurrentAt(double timeS) => timeS >= Scenario.RestS && timeS < Scenario.DurationS ? CurrentA : 0;

    /// <summary>Faradaic charge passed by time t (s from acquisition start), C.</summary>
    public double FaradaicChargeC(double timeS)
    {
        var s = Scenario;
        double tc = Math.Clamp(timeS - s.RestS, 0, s.ChargeS);
        double before = Math.Min(tc, s.SoftShortOnsetS), after = Math.Max(0, tc - s.SoftShortOnsetS);
        return CurrentA * (before + s.FaradaicFractionAfterShort * after);
    }

    /// <summary>
    /// Signed Li volume change (cm³ of dense Li; + enrichment) of each process P1..P4 at time t (s from acquisition start).
    /// </summary>
    public double[] ProcessLiVolumesCm3(double timeS)
    {
        var s = Scenario;
        double vF = FaradaicChargeC(timeS) / Faraday.ConstantCPerMol * Faraday.LiMolarVolumeCm3PerMol;
        double tc = timeS - s.RestS, after = tc - s.SoftShortOnsetS;
        double e1 = 0, e2 = 0;
        if (after > 0 && tc <= s.ChargeS)
        {
            e1 = s.P1OscillationRel * Math.Sin(2 * Math.PI * after / s.P1OscillationPeriodS);
            double sum = 0;
            for (int i = 0; i < _p2Freq.Length; i++) sum += Math.Sin(_p2Freq[i] * after + _p2Phase[i]);
            e2 = s.P2FluctuationRel * sum / Math.Sqrt(_p2Freq.Length / 2.0); // each sinusoid has variance 1/2
        }
        double tt = Math.Min(tc, s.ChargeS) - s.P3OnsetS;
        double f3 = tt <= 0 ? 0 : (1 - Math.Exp(-tt / s.P3TimeConstantS)) / (1 - Math.Exp(-(s.ChargeS - s.P3OnsetS) / s.P3TimeConstantS));
        double v3 = s.P3FinalLossFraction * _regionVolumeCm3[2] * f3;
        double vEnd = CurrentA * 20 * 3600 / Faraday.ConstantCPerMol * Faraday.LiMolarVolumeCm3PerMol; // Li of a full 20-h C/20 charge
        return [-(vF + vEnd * e1), vF + vEnd * e2, -v3, v3];
    }

    /// <summary>Noise-free transmission at time t (blurred), row-major.</summary>
    public float[] Transmission(double timeS)
    {
        var t = (float[])_t0Blur.Clone();
        AddChange(t, timeS);
        return t;
    }

    /// <summary>Raw sample frame <paramref name="index"/> (time = index · interval).</summary>
    public RawFrame SampleFrame(int index)
    {
        double time = index * Detector.FrameIntervalS;
        var t = (float[])_t0Blur.Clone();
        AddChange(t, time);
        return new RawFrame(index, time, Expose(t, time, stream: 1, index));
    }

    /// <summary>Streams the sample frames: every <paramref name="stride"/>-th of the acquisition, up to <paramref name="maxFrames"/> generated.</summary>
    public IEnumerable<RawFrame> SampleFrames(int stride = 1, int maxFrames = int.MaxValue)
    {
        InputException.Require(stride >= 1, "--stride", "must be ≥ 1");
        int made = 0;
        for (int i = 0; i < FrameCount && made < maxFrames; i += stride, made++) yield return SampleFrame(i);
    }

    /// <summary>Open-beam frames (no sample, taken before the run at negative times).</summary>
    public IEnumerable<RawFrame> OpenBeamFrames()
    {
        var one = new float[Width * Height];
        Array.Fill(one, 1f);
        for (int i = 0; i < Detector.OpenBeamFrames; i++)
        {
            double time = -(Detector.OpenBeamFrames - i) * Detector.FrameIntervalS - 600;
            yield return new RawFrame(i, time, Expose(one, time, stream: 2, i));
        }
    }

    /// <summary>Dark-field frames (beam closed).</summary>
    public IEnumerable<RawFrame> DarkFieldFrames()
    {
        var zero = new float[Width * Height];
        for (int i = 0; i < Detector.DarkFieldFrames; i++)
        {
            double time = -(Detector.DarkFieldFrames - i) * Detector.FrameIntervalS - 1200;
            yield return new RawFrame(i, time, Expose(zero, time, stream: 3, i));
        }
    }

    /// <summary>Relative beam intensity at time t (slow drift).</summary>
    public double BeamDrift(double timeS) => 1 + Detector.DriftAmplitude * Math.Sin(2 * Math.PI * timeS / (6 * 3600) + 0.3);

    void AddChange(float[] t, double timeS)
    {
        if (_rowHi < _rowLo) return;
        var v = ProcessLiVolumesCm3(timeS);
        int w = Width, rows = _rowHi - _rowLo + 1, r = _kernel.Length / 2;
        var frac = new double[4];
        for (int p = 0; p < 4; p++) frac[p] = _regionVolumeCm3[p] > 0 ? v[p] / _regionVolumeCm3[p] : 0;
        int lo = Math.Max(0, _rowLo - r), hi = Math.Min(Height - 1, _rowHi + r);
        var delta = new float[(hi - lo + 1) * w];
        for (int yy = 0; yy < rows; yy++)
        {
            int y = _rowLo + yy;
            for (int x = 0; x < w; x++)
            {
                int k = yy * w + x;
                double dl = frac[0] * _chord[0][k] + frac[1] * _chord[1][k] + frac[2] * _chord[2][k] + frac[3] * _chord[3][k];
                if (dl == 0) continue;
                int i = y * w + x;
                double db = _dbar[i];
                double tb = _absTable(db);
                double factor = Math.Exp(-_liSigmaS * dl) * (tb > 0 ? _absTable(Math.Max(0, db + _liSigmaA * dl)) / tb : 1);
                // blur is linear: blurred T(t) = blur(T0) + blur(T(t) − T0), and T(t) − T0 is non-zero only in the process rows
                delta[(y - lo) * w + x] = (float)((factor - 1) * _t0[i]);
            }
        }
        Blur(delta, w, 0, hi - lo);
        for (int j = 0; j < delta.Length; j++) t[lo * w + j] += delta[j];
    }

    ushort[] Expose(float[] transmission, double timeS, int stream, int index)
    {
        var d = Detector;
        int w = Width, h = Height;
        var dst = new ushort[w * h];
        double n0 = d.NeutronsPerPixel * BeamDrift(timeS), g = d.GainAduPerNeutron, rn = d.ReadNoiseAdu;
        Parallel.For(0, h, y =>
        {
            var rng = new Rng(Hash(Seed, stream, index, y + 1));
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                double lam = n0 * _beam[i] * Math.Max(0, transmission[i]);
                int nn = Poisson(ref rng, lam);
                // scintillator light yield varies from neutron to neutron (Swank factor κ/(κ+1), κ = 4): Gaussian approximation of the sum
                double counts = g * (nn + (nn > 0 ? Math.Sqrt(nn / SwankShape) * rng.NextGaussian() : 0)) + _dark[i] + rn * rng.NextGaussian();
                dst[i] = (ushort)Math.Clamp(Math.Round(counts), 0, 65535);
            }
        });
        var gr = new Rng(Hash(Seed, stream + 100, index, 0));
        double expected = d.GammaSpotsPerMegapixel * w * h / 1e6;
        int spots = Poisson(ref gr, expected);
        for (int s = 0; s < spots; s++) dst[(int)(gr.NextULong() % (ulong)(w * h))] = 65535;
        foreach (int i in _hot) dst[i] = 65535;
        return dst;
    }

    (double Z0, double Z1, Func<double, double> Ri, Func<double, double> Ro)[] ProcessZRanges()
    {
        var l = Cell.Layers();
        var s = Scenario;
        double zLiSe = l[2].StartUm, zCat0 = l[3].StartUm, zCat1 = l[4].StartUm;
        double p3c = s.P3BandUm / 2;
        return
        [
            (zCat0, zCat1, _ => 0, z => Cell.CoreRadiusAtUm(z)),                                  // P1 cathode
            (zLiSe, zLiSe + s.P2BandUm, _ => 0, z => Cell.CoreRadiusAtUm(z)),                     // P2 SE next to Li|SE
            (0, s.P3BandUm, _ => 0, z => Cell.CoreRadiusAtUm(z)),                                 // P3 Li at Li|SS
            (p3c - s.P4HalfHeightUm, p3c + s.P4HalfHeightUm, z => Cell.CoreRadiusAtUm(z), z => Cell.BoreRadiusAtUm(z)), // P4 gap
        ];
    }

    List<PlantedBand> BuildTruth((double Z0, double Z1, Func<double, double> Ri, Func<double, double> Ro)[] bands)
    {
        var s = Scenario;
        var vEnd = ProcessLiVolumesCm3(s.DurationS);
        double area = Cell.BoreAreaCm2;
        string[] names = ["P1", "P2", "P3", "P4"];
        double[] onset = [s.RestS, s.RestS, s.RestS + s.P3OnsetS, s.RestS + s.P3OnsetS];
        var list = new List<PlantedBand>();
        for (int p = 0; p < 4; p++)
        {
            var (z0, z1, ri, ro) = bands[p];
            double m = 0, m1 = 0; int steps = 4000;
            for (int i = 0; i < steps; i++)
            {
                double z = z0 + (z1 - z0) * (i + 0.5) / steps;
                double a = ri(z), b = ro(z), dv = b * b - a * a;
                m += dv; m1 += dv * z;
            }
            double zc = m > 0 ? m1 / m : (z0 + z1) / 2;
            if (p == 3)
            {
                // P4 is seen in ROI II (the columns just outside the core): its position is the centroid of the crept Li as
                // projected along those rays (chord-weighted), which differs from the volume centroid because chords vary with the gap.
                int xa = (int)Math.Ceiling(Detector.AxisX + Cell.BoreRadiusUm / Detector.PixelSizeUm + 0.5), xb = Math.Min(Width - 1, xa + 2);
                double cm = 0, cm1 = 0;
                for (int yy = 0; yy <= _rowHi - _rowLo; yy++)
                    for (int x = xa; x <= xb; x++) { double c = _chord[3][yy * Width + x]; cm += c; cm1 += c * (_rowLo + yy); }
                if (cm > 0) zc = ZAt(cm1 / cm);
            }
            list.Add(new PlantedBand(names[p], vEnd[p] < 0 ? 1 : -1, MmFromCathodeSs(zc), RowAt(zc), onset[p], vEnd[p] / area * 1e4, p == 3 ? "II" : "I"));
        }
        return list;
    }

    /// <summary>
    /// Row centroid (sub-pixel) of process <paramref name="process"/> (0..3 = P1..P4) as projected along the rays of columns
    /// x0..x1 (chord-weighted): the planted position as seen through a given ROI.
    /// </summary>
    public double ProjectedCentroidRow(int process, int x0, int x1)
    {
        double cm = 0, cm1 = 0;
        for (int yy = 0; yy <= _rowHi - _rowLo; yy++)
            for (int x = Math.Max(0, x0); x <= Math.Min(Width - 1, x1); x++) { double c = _chord[process][yy * Width + x]; cm += c; cm1 += c * (_rowLo + yy); }
        return cm > 0 ? cm1 / cm : double.NaN;
    }

    /// <summary>Chord length of a straight ray at distance u from the axis through the annulus [a, b): 2(√(b²−u²) − √(a²−u²)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Chord(double u, double a, double b)
    {
        double u2 = u * u;
        double ob = b * b - u2;
        if (ob <= 0) return 0;
        double ia = a * a - u2;
        return 2 * (Math.Sqrt(ob) - (ia > 0 ? Math.Sqrt(ia) : 0));
    }

    static double[] GaussianKernel(double sigmaPx)
    {
        if (!(sigmaPx > 0.05)) return [1.0];
        int r = Math.Max(1, (int)Math.Ceiling(3 * sigmaPx));
        var k = new double[2 * r + 1];
        double s = 0;
        for (int i = -r; i <= r; i++) s += k[i + r] = Math.Exp(-0.5 * i * i / (sigmaPx * sigmaPx));
        for (int i = 0; i < k.Length; i++) k[i] /= s;
        return k;
    }

    /// <summary>Separable Gaussian blur of rows y0..y1 of a w-wide image, edges clamped.</summary>
    void Blur(float[] img, int w, int y0, int y1)
    {
        var k = _kernel; int r = k.Length / 2;
        if (r == 0) return;
        int h = y1 - y0 + 1;
        var tmp = new float[img.Length];
        Parallel.For(y0, y1 + 1, y =>
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int j = -r; j <= r; j++) s += k[j + r] * img[y * w + Math.Clamp(x + j, 0, w - 1)];
                tmp[y * w + x] = (float)s;
            }
        });
        Parallel.For(y0, y1 + 1, y =>
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int j = -r; j <= r; j++) s += k[j + r] * tmp[Math.Clamp(y + j, y0, y1) * w + x];
                img[y * w + x] = (float)s;
            }
        });
        _ = h;
    }

    static int Poisson(ref Rng rng, double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda < 12)
        {
            double l = Math.Exp(-lambda), p = 1; int k = 0;
            do { k++; p *= rng.NextDouble(); } while (p > l);
            return k - 1;
        }
        // λ ≥ 12: normal approximation with continuity correction (skewness 1/√λ ≤ 0.29 is below the Swank light-yield noise)
        return Math.Max(0, (int)Math.Floor(lambda + Math.Sqrt(lambda) * rng.NextGaussian() + 0.5));
    }

    static ulong Hash(long a, long b, long c, long d)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        foreach (long v in new[] { a, b, c, d }) h = SplitMix(h ^ (ulong)v);
        return h;
    }

    static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>xoshiro256** (Blackman &amp; Vigna 2018): fast, seedable per (frame, row) so that parallel generation is deterministic.</summary>
    struct Rng
    {
        ulong _s0, _s1, _s2, _s3;
        double _spare; bool _hasSpare;
        public Rng(ulong seed)
        {
            _s0 = SplitMix(seed); _s1 = SplitMix(_s0); _s2 = SplitMix(_s1); _s3 = SplitMix(_s2);
            _spare = 0; _hasSpare = false;
        }
        public ulong NextULong()
        {
            ulong result = BitOps(_s1 * 5, 7) * 9, t = _s1 << 17;
            _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = BitOps(_s3, 45);
            return result;
        }
        static ulong BitOps(ulong x, int k) => (x << k) | (x >> (64 - k));
        public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));
        public double NextGaussian()
        {
            if (_hasSpare) { _hasSpare = false; return _spare; }
            double u, v, s;
            do { u = 2 * NextDouble() - 1; v = 2 * NextDouble() - 1; s = u * u + v * v; } while (s >= 1 || s == 0);
            double f = Math.Sqrt(-2 * Math.Log(s) / s);
            _spare = v * f; _hasSpare = true;
            return u * f;
        }
    }
}
