using System.Diagnostics;

namespace SoftShort.PhaseField;

/// <summary>Wall-clock seconds per part of the dendrite solver (accumulated over steps).</summary>
public sealed record SolverProfile
{
    public double ConnectivityS { get; set; }
    public double ReactionS { get; set; }
    public double IonicS { get; set; }
    public double ProfileRelaxS { get; set; }
    public double TransportS { get; set; }
    public double MechanicsS { get; set; }
    public long MechanicsSolves { get; set; }
    public double ObserveS { get; set; }
}

/// <summary>One row of the time series of a dendrite run.</summary>
public sealed record DendriteObservation(
    double TimeS, double DtS, long Steps, double IonicCurrentAPerM, double LeakageCurrentAPerM, double LiVolumeUm2,
    double LiInSeUm2, double PlatedFromChargeUm2, double TipXUm, double DendriteLengthUm, int DeadLiCount, double DeadLiUm2,
    bool Bridged, double MaxHydrostaticMPa, double MaxVonMisesMPa, double MeanVolumetricStrainLi, int PcgIterations);

/// <summary>
/// Phase-field model of Li plating into a porous solid electrolyte (Cao et al. 2023, Eq. 3; Chen et al., J. Power
/// Sources 300 (2015) 376; Hong &amp; Viswanathan, ACS Energy Lett. 3 (2018) 1737), on a uniform cell-centred grid
/// (row-major [y, x]; x = 0 is the Li side, x = W the cathode side).
/// </summary>
/// <remarks>
/// Fields: ξ (Li metal order parameter), fixed pores (ρ = −1 in pores; the paper holds the pores fixed), normalised Li⁺
/// concentration c, ionic potential φₑ; the Li metal connected to the anode is at the applied −0.35 V.
/// Per step (IMEX, Lie splitting; see <see cref="Step"/>):
/// <list type="number">
/// <item>∂ξ/∂t = Γ[(ℓ²/2)∂²ξ/∂n² − g′(ξ)] − L_η h′(ξ)[ξ e^{(1−α)fη} − c e^{−αfη}], η = φ_Li − φₑ + P_m V_m/F:
/// the profile-preserving Allen–Cahn form (Sun &amp; Beckermann, J. Comput. Phys. 220 (2007) 626) removes the
/// curvature flow of the rescaled interface (capillarity itself is negligible: γV_m/(rRT) &lt; 10⁻³ for r ≥ 1 µm).</item>
/// <item>∇·(σ∇φₑ) = F c_s ∂ξ/∂t with the Butler–Volmer rate linearised in φₑ and solved implicitly (multigrid-PCG,
/// harmonic face conductivities), so the Faradaic current and the ionic current are consistent by construction.</item>
/// <item>∂c/∂t = ∇·[D(∇c + c f ∇φₑ)] − (c_s/c₀) ∂ξ/∂t (Nernst–Planck, explicit sub-steps, c = 1 at the cathode side).</item>
/// </list>
/// </remarks>
public sealed class DendriteSimulation
{
    public DendriteParameters Parameters { get; }
    public int Nx { get; }
    public int Ny { get; }
    public double DxUm { get; }
    /// <summary>Li order parameter ξ.</summary>
    public double[] Xi { get; }
    /// <summary>Pore indicator (1 = pore).</summary>
    public byte[] Pores { get; }
    /// <summary>Normalised Li⁺ concentration c/c₀.</summary>
    public double[] Concentration { get; }
    /// <summary>Ionic (electrolyte) potential φₑ, V.</summary>
    public double[] IonicPotentialV { get; }
    /// <summary>Local overpotential η = φ_Li − φₑ (+ mechanical shift), V (NaN away from the anode-connected Li).</summary>
    public double[] OverpotentialV { get; }
    /// <summary>Electrochemical (Butler–Volmer) driving rate of ξ, s⁻¹ (Fig. S12's chemical driving force, as a rate).</summary>
    public double[] ReactionRatePerS { get; }
    /// <summary>Hydrostatic pressure P_m = −tr σ/3, MPa (positive in compression), from the last mechanics solve.</summary>
    public double[] HydrostaticMPa { get; }
    /// <summary>Von Mises stress, MPa.</summary>
    public double[] VonMisesMPa { get; }
    /// <summary>Volumetric strain ε_vol = ε_xx + ε_yy (plane strain).</summary>
    public double[] VolumetricStrain { get; }
    /// <summary>Mechanical shift of the overpotential P_m V_m / F, V (the elastic driving force).</summary>
    public double[] MechanicalShiftV { get; }

    public double TimeS { get; private set; }
    public double DtS { get; private set; }
    public long Steps { get; private set; }
    /// <summary>∫ I dt · V_m/F, µm² per unit depth (the Li area that the passed charge plates).</summary>
    public double PlatedFromChargeUm2 { get; private set; }
    public double InitialLiUm2 { get; }
    public bool EverBridged { get; private set; }
    public int BridgeEvents { get; private set; }
    public double FirstBridgeTimeS { get; private set; } = double.NaN;
    public int LastPcgIterations { get; private set; }
    /// <summary>CG iterations of the last elasticity solve.</summary>
    public int LastMechanicsIterations => _mech?.LastIterations ?? 0;
    /// <summary>The elasticity solver (null with mechanics off): plastic-strain field and return-map diagnostics.</summary>
    public PlaneStrainElasticity? Mechanics => _mech;

    readonly CellPoisson _ionic;
    readonly double[] _sigma, _diff, _rate, _rs, _alin, _rhs, _xiOld;
    readonly bool[] _connected, _active, _rowDilated;
    readonly double[] _xiStart, _rowSum, _rowSumHp;
    readonly Queue<int> _queue = new();
    CellPoisson? _leak;
    readonly double _ell, _gamma, _lEta, _f, _fcs, _csOverC0, _shiftPerMPa;
    readonly PlaneStrainElasticity? _mech;
    double _nextMechanicsS, _lastMechanicsS = double.NaN, _prevMechanicsS = double.NaN;
    bool _bridgedNow;
    double _lastCurrent;

    public DendriteSimulation(DendriteParameters parameters, bool mechanics = true)
    {
        parameters.Validate();
        Parameters = parameters;
        var p = parameters;
        DxUm = p.DxUm;
        Nx = (int)Math.Round(p.DomainWidthUm / p.DxUm);
        Ny = (int)Math.Round(p.DomainHeightUm / p.DxUm);
        int n = Nx * Ny;
        Xi = new double[n]; Concentration = new double[n]; IonicPotentialV = new double[n]; OverpotentialV = new double[n];
        ReactionRatePerS = new double[n]; HydrostaticMPa = new double[n]; VonMisesMPa = new double[n]; VolumetricStrain = new double[n];
        MechanicalShiftV = new double[n];
        _sigma = new double[n]; _diff = new double[n]; _rate = new double[n]; _rs = new double[n]; _alin = new double[n]; _rhs = new double[n]; _xiOld = new double[n];
        _connected = new bool[n]; _active = new bool[n]; _rowDilated = new bool[n]; _xiStart = new double[n];
        _rowSum = new double[Ny]; _rowSumHp = new double[Ny];
        _ell = p.InterfaceLengthUm;
        _gamma = p.ProfileRelaxationPerS;
        _lEta = p.ReactionRatePerS;
        _f = p.FOverRT;
        _fcs = DendriteParameters.FaradayCPerMol * p.LiSiteDensityMolPerM3 * 1e-12; // A m⁻³ per s⁻¹ → S m⁻¹·V µm⁻²
        _csOverC0 = p.LiSiteDensityMolPerM3 / p.SeLiConcentrationMolPerM3;
        _shiftPerMPa = 1e6 * p.LiMolarVolumeM3PerMol / DendriteParameters.FaradayCPerMol;
        Pores = PoreMicrostructure.Generate(Nx, Ny, DxUm, p.LiThicknessUm, p.Porosity, p.MeanPoreDiameterUm, p.Seed);

        // initial Li: anode x < L_Li with half-disc protrusions, ξ = ½[1 − tanh(d/ℓ)]
        for (int y = 0; y < Ny; y++)
            for (int x = 0; x < Nx; x++)
            {
                double px = (x + 0.5) * DxUm, py = (y + 0.5) * DxUm;
                double d = px - p.LiThicknessUm;
                for (int k = 0; k < p.ProtrusionCount; k++)
                {
                    double cy = (k + 0.5) * p.DomainHeightUm / p.ProtrusionCount;
                    double r = Math.Sqrt((px - p.LiThicknessUm) * (px - p.LiThicknessUm) + (py - cy) * (py - cy)) - p.ProtrusionRadiusUm;
                    d = Math.Min(d, r);
                }
                int i = y * Nx + x;
                Xi[i] = 0.5 * (1 - Math.Tanh(d / _ell));
                if (Pores[i] == 1 && d > 0) Xi[i] = 0;
                Concentration[i] = 1;
                IonicPotentialV[i] = p.AppliedVoltageV * (1 - px / p.DomainWidthUm) * 0.5;
            }
        InitialLiUm2 = LiArea();
        _ionic = new CellPoisson(Nx, Ny, DxUm) { RightValue = 0 };
        if (mechanics) _mech = new PlaneStrainElasticity(Nx, Ny, DxUm, p.MechanicsElementUm, liPlasticity: p.LiPlasticity);
        DtS = Math.Min(p.MaxDtS, 0.01);
        UpdateConnectivity();
        if (_mech != null) SolveMechanics();
    }

    double LiArea() { double s = 0; foreach (var v in Xi) s += v; return s * DxUm * DxUm; }

    static double H(double x) { x = Math.Clamp(x, 0, 1); return x * x * x * (6 * x * x - 15 * x + 10); }
    static double Hp(double x) { x = Math.Clamp(x, 0, 1); return 30 * x * x * (1 - x) * (1 - x); }

    /// <summary>Anode-connected Li (ξ &gt; ½, 4-connected to the left column) and the reactive band around it.</summary>
    void UpdateConnectivity()
    {
        int nx = Nx, ny = Ny;
        Array.Clear(_connected);
        var queue = _queue;
        queue.Clear();
        for (int y = 0; y < ny; y++) if (Xi[y * nx] > 0.5) { _connected[y * nx] = true; queue.Enqueue(y * nx); }
        while (queue.Count > 0)
        {
            int i = queue.Dequeue(), x = i % nx, y = i / nx;
            void Visit(int j) { if (!_connected[j] && Xi[j] > 0.5) { _connected[j] = true; queue.Enqueue(j); } }
            if (x > 0) Visit(i - 1);
            if (x < nx - 1) Visit(i + 1);
            if (y > 0) Visit(i - nx);
            if (y < ny - 1) Visit(i + nx);
        }
        // reactive band: square dilation of the connected Li by `band` cells, done separably (rows, then columns)
        int band = (int)Math.Ceiling(2 * _ell / DxUm) + 1;
        var rowMask = _rowDilated;
        Parallel.For(0, ny, y =>
        {
            int row = y * nx;
            // two sweeps: distance to the nearest connected cell on either side ≤ band
            int lastLeft = int.MinValue / 2;
            for (int x = 0; x < nx; x++)
            {
                if (_connected[row + x]) lastLeft = x;
                rowMask[row + x] = x - lastLeft <= band;
            }
            int nextRight = int.MaxValue / 2;
            for (int x = nx - 1; x >= 0; x--)
            {
                if (_connected[row + x]) nextRight = x;
                if (nextRight - x <= band) rowMask[row + x] = true;
            }
        });
        Parallel.For(0, nx, x =>
        {
            int lastUp = int.MinValue / 2;
            for (int y = 0; y < ny; y++)
            {
                if (rowMask[y * nx + x]) lastUp = y;
                _active[y * nx + x] = y - lastUp <= band;
            }
            int nextDown = int.MaxValue / 2;
            for (int y = ny - 1; y >= 0; y--)
            {
                if (rowMask[y * nx + x]) nextDown = y;
                if (nextDown - y <= band) _active[y * nx + x] = true;
            }
        });
        bool bridged = false;
        for (int y = 0; y < ny && !bridged; y++) bridged = _connected[y * nx + nx - 1];
        if (bridged && !_bridgedNow)
        {
            BridgeEvents++;
            if (!EverBridged) FirstBridgeTimeS = TimeS;
            EverBridged = true;
        }
        _bridgedNow = bridged;
    }

    /// <summary>Wall-clock seconds spent in each part of <see cref="Step"/> and <see cref="Observe"/> (for <c>softshort bench phasefield</c>).</summary>
    public SolverProfile Profile { get; } = new();

    /// <summary>
    /// Largest stable explicit sub-step of the profile relaxation, s: where |∇ξ| → 0 the regularised ∂²/∂n² becomes the full
    /// Laplacian, so the diffusion Γℓ²/2 needs the 2D bound Γ(ℓ²/2)Δt/Δx² ≤ ¼ (the 1D bound ½ let ξ ≈ 0 cells oscillate), and
    /// the double well Γ g″ Δt ≤ 1 (g″ ≤ 2); 0.8 of the tighter bound.
    /// </summary>
    double ProfileSubStepS => 0.8 * Math.Min(0.25 * DxUm * DxUm / (_gamma * 0.5 * _ell * _ell), 0.5 / _gamma);

    /// <summary>Largest stable explicit Nernst–Planck sub-step, s (0.2 Δx²/D).</summary>
    double TransportSubStepS => 0.2 * DxUm * DxUm / Parameters.SeDiffusivityUm2PerS;

    /// <summary>
    /// Advances one step of Δt = <see cref="DtS"/> (Lie splitting): (1) Butler–Volmer reaction coupled implicitly to the
    /// ionic potential (one multigrid-PCG solve warm-started from the previous potential); (2) the profile relaxation of ξ in
    /// explicit sub-steps at its own stability limit, each with the volume-conserving multiplier; (3) Nernst–Planck for c in
    /// explicit sub-steps. Elasticity is lagged: solved every <see cref="DendriteParameters.MechanicsIntervalS"/> of
    /// simulated time. Δt then adapts to the largest |Δξ| of the step (target <see cref="DendriteParameters.MaxXiChangePerStep"/>)
    /// up to <see cref="DendriteParameters.MaxDtS"/>. Returns the Δt taken.
    /// </summary>
    public double Step()
    {
        var p = Parameters;
        int nx = Nx, ny = Ny, n = nx * ny;
        double dt = DtS, dx = DxUm;
        long t0 = Stopwatch.GetTimestamp();
        UpdateConnectivity();
        long t1 = Stopwatch.GetTimestamp();
        Profile.ConnectivityS += Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
        if (_mech != null && TimeS >= _nextMechanicsS - 1e-9)
        {
            SolveMechanics();
            long tm = Stopwatch.GetTimestamp();
            Profile.MechanicsS += Stopwatch.GetElapsedTime(t1, tm).TotalSeconds;
            Profile.MechanicsSolves++;
            t1 = tm;
        }
        Array.Copy(Xi, _xiStart, n);

        // 1. Butler–Volmer rate and its derivative w.r.t. φₑ (explicit in ξ and c)
        Parallel.For(0, ny, y =>
        {
            for (int x = 0; x < nx; x++)
            {
                int i = y * nx + x;
                double rbv = 0, a = 0, eta = double.NaN;
                if (_active[i])
                {
                    double c0 = Xi[i];
                    double hp = Hp(c0);
                    eta = p.AppliedVoltageV - IonicPotentialV[i] + MechanicalShiftV[i];
                    double ea = Math.Exp((1 - p.Alpha) * _f * eta), ec = Math.Exp(-p.Alpha * _f * eta);
                    double cc = Math.Max(Concentration[i], 0), xi = Math.Clamp(c0, 0, 1);
                    double b = xi * ea - cc * ec, bp = (1 - p.Alpha) * _f * xi * ea + p.Alpha * _f * cc * ec;
                    rbv = -_lEta * hp * b;
                    a = _lEta * hp * bp;
                }
                OverpotentialV[i] = eta;
                _rate[i] = rbv;
                _alin[i] = a;
                double solid = Pores[i] == 1 ? p.PoreTransportRatio : 1;
                double h = H(Xi[i]);
                _sigma[i] = p.SeIonicConductivitySPerM * solid * ((1 - h) + h * p.LiIonicRatio);
                _diff[i] = p.SeDiffusivityUm2PerS * solid * ((1 - h) + h * p.LiIonicRatio);
                _ionic.Shift[i] = _fcs * a;
                _rhs[i] = -_fcs * (rbv - a * IonicPotentialV[i]);
            }
        });

        // 2. implicit ionic potential with the linearised Faradaic source (only the Butler–Volmer part transfers charge)
        _ionic.SetConductivity(_sigma);
        Array.Copy(IonicPotentialV, _xiOld, n);
        long t2 = Stopwatch.GetTimestamp();
        Profile.ReactionS += Stopwatch.GetElapsedTime(t1, t2).TotalSeconds;
        _ionic.Solve(IonicPotentialV, _rhs, tolerance: 1e-7, maxIterations: 400);
        LastPcgIterations = _ionic.LastIterations;
        if (!double.IsFinite(IonicPotentialV[0])) throw new InvalidOperationException($"ionic potential diverged at t = {TimeS:F2} s");
        long t3 = Stopwatch.GetTimestamp();
        Profile.IonicS += Stopwatch.GetElapsedTime(t2, t3).TotalSeconds;

        // 3. consistent Faradaic rate and ξ update; current through the cathode-side boundary (A per m depth)
        Parallel.For(0, ny, y =>
        {
            for (int i = y * nx, end = i + nx; i < end; i++)
            {
                double faradaic = _rate[i] + _alin[i] * (IonicPotentialV[i] - _xiOld[i]);
                _rate[i] = faradaic;
                ReactionRatePerS[i] = faradaic;
                Xi[i] += dt * faradaic;
            }
        });
        double current = -_ionic.RightBoundaryFlux(IonicPotentialV) * dx; // S m⁻¹ · V µm⁻¹ · µm = A per m depth
        _lastCurrent = current;
        PlatedFromChargeUm2 += current * dt * p.LiMolarVolumeM3PerMol / DendriteParameters.FaradayCPerMol * 1e12;

        // 4. profile relaxation in explicit sub-steps (volume-conserving: Li is created only by the reaction above)
        int mRelax = (int)Math.Ceiling(dt / ProfileSubStepS - 1e-9);
        for (int k = 0; k < mRelax; k++) RelaxProfile(dt / mRelax);
        long t4 = Stopwatch.GetTimestamp();
        Profile.ProfileRelaxS += Stopwatch.GetElapsedTime(t3, t4).TotalSeconds;

        // 5. Nernst–Planck for c in explicit sub-steps (flux form; c = 1 beyond the right face)
        int mTransport = (int)Math.Ceiling(dt / TransportSubStepS - 1e-9);
        for (int k = 0; k < mTransport; k++) UpdateConcentration(dt / mTransport);
        Profile.TransportS += Stopwatch.GetElapsedTime(t4).TotalSeconds;

        double maxChange = 0;
        for (int y = 0; y < ny; y++)
        {
            double m = 0;
            for (int i = y * nx, end = i + nx; i < end; i++) m = Math.Max(m, Math.Abs(Xi[i] - _xiStart[i]));
            maxChange = double.IsNaN(m) ? double.NaN : Math.Max(maxChange, m);
        }
        if (!double.IsFinite(maxChange) || maxChange > 0.5)
            throw new InvalidOperationException($"phase field diverged at t = {TimeS:F2} s (|Δξ| = {maxChange:G3} in one step)");
        TimeS += dt; Steps++;
        double factor = maxChange > 0 ? p.MaxXiChangePerStep / maxChange : 2;
        DtS = Math.Min(p.MaxDtS, dt * Math.Clamp(factor, 0.5, 1.2));
        return dt;
    }

    /// <summary>
    /// One explicit sub-step of ∂ξ/∂t = Γ[(ℓ²/2)∂²ξ/∂n² − g′(ξ)] − λh′(ξ): the profile-preserving Allen–Cahn form (Sun &amp;
    /// Beckermann 2007) with the h′-weighted Lagrange multiplier λ that keeps ∫ξ fixed (Rubinstein &amp; Sternberg 1992).
    /// </summary>
    void RelaxProfile(double dt)
    {
        int nx = Nx, ny = Ny;
        double dx = DxUm, inv2 = 1 / (dx * dx), ell2 = 0.5 * _ell * _ell;
        var part = _rowSum; var partHp = _rowSumHp;
        Parallel.For(0, ny, y =>
        {
            double sr = 0, sh = 0;
            for (int x = 0; x < nx; x++)
            {
                int i = y * nx + x;
                double c0 = Xi[i];
                double l = Xi[x > 0 ? i - 1 : i], r = Xi[x < nx - 1 ? i + 1 : i], u = Xi[y > 0 ? i - nx : i], d = Xi[y < ny - 1 ? i + nx : i];
                double rs;
                if (l == c0 && r == c0 && u == c0 && d == c0 && (c0 == 0 || c0 == 1)) rs = 0; // bulk: nothing to relax
                else
                {
                    double gx = (r - l) / (2 * dx), gy = (d - u) / (2 * dx);
                    double xx = (r - 2 * c0 + l) * inv2, yy = (d - 2 * c0 + u) * inv2;
                    double ul = Xi[(y > 0 ? i - nx : i) - (x > 0 ? 1 : 0)], ur = Xi[(y > 0 ? i - nx : i) + (x < nx - 1 ? 1 : 0)];
                    double dl = Xi[(y < ny - 1 ? i + nx : i) - (x > 0 ? 1 : 0)], dr = Xi[(y < ny - 1 ? i + nx : i) + (x < nx - 1 ? 1 : 0)];
                    double xy = (dr - dl - ur + ul) / (4 * dx * dx);
                    double g2 = gx * gx + gy * gy, eps = 1e-8 * inv2;
                    double nn = (gx * gx * xx + 2 * gx * gy * xy + gy * gy * yy + eps * (xx + yy)) / (g2 + eps);
                    double gp = 2 * c0 * (1 - c0) * (1 - 2 * c0);
                    rs = _gamma * (ell2 * nn - gp);
                }
                _rs[i] = rs;
                sr += rs; sh += Hp(c0);
            }
            part[y] = sr; partHp[y] = sh;
        });
        double sumRs = 0, sumHp = 0;
        for (int y = 0; y < ny; y++) { sumRs += part[y]; sumHp += partHp[y]; }
        double lambda = sumHp > 0 ? sumRs / sumHp : 0;
        Parallel.For(0, ny, y =>
        {
            for (int i = y * nx, end = i + nx; i < end; i++) Xi[i] += dt * (_rs[i] - lambda * Hp(Xi[i]));
        });
    }

    void UpdateConcentration(double dt)
    {
        int nx = Nx, ny = Ny;
        double dx = DxUm, f = _f;
        var c = Concentration;
        var next = _rhs; // reuse buffer
        Parallel.For(0, ny, y =>
        {
            for (int x = 0; x < nx; x++)
            {
                int i = y * nx + x;
                double div = 0;
                // x faces
                if (x > 0) div += Flux(i - 1, i);
                if (x < nx - 1) div -= Flux(i, i + 1);
                else
                {
                    // half cell to the cathode-side face: c = 1, φₑ = 0 there
                    double fb = -_diff[i] * ((1 - c[i]) / (0.5 * dx) + 0.5 * (1 + c[i]) * f * (0 - IonicPotentialV[i]) / (0.5 * dx));
                    div -= fb;
                }
                if (y > 0) div += Flux(i - nx, i);
                if (y < ny - 1) div -= Flux(i, i + nx);
                next[i] = c[i] + dt * (div / dx - _csOverC0 * _rate[i]);
            }
        });
        for (int i = 0; i < c.Length; i++) c[i] = Math.Max(0, next[i]);

        double Flux(int a, int b)
        {
            double da = _diff[a], db = _diff[b];
            double d = da + db > 0 ? 2 * da * db / (da + db) : 0;
            return -d * ((c[b] - c[a]) / dx + 0.5 * (c[a] + c[b]) * f * (IonicPotentialV[b] - IonicPotentialV[a]) / dx);
        }
    }

    void SolveMechanics()
    {
        if (_mech == null) return;
        var p = Parameters;
        double extrapolation = _lastMechanicsS > _prevMechanicsS ? (TimeS - _lastMechanicsS) / (_lastMechanicsS - _prevMechanicsS) : 0;
        _mech.Solve(Xi, Pores, p, HydrostaticMPa, VonMisesMPa, VolumetricStrain, Math.Min(extrapolation, 2));
        _prevMechanicsS = _lastMechanicsS; _lastMechanicsS = TimeS;
        for (int i = 0; i < Xi.Length; i++)
            MechanicalShiftV[i] = H(Xi[i]) * Math.Max(0, HydrostaticMPa[i]) * _shiftPerMPa;
        _nextMechanicsS = TimeS + p.MechanicsIntervalS;
    }

    /// <summary>Observables of the current state (also solves the electronic leakage problem).</summary>
    public DendriteObservation Observe()
    {
        long t0 = Stopwatch.GetTimestamp();
        try { return ObserveCore(); }
        finally { Profile.ObserveS += Stopwatch.GetElapsedTime(t0).TotalSeconds; }
    }

    DendriteObservation ObserveCore()
    {
        UpdateConnectivity();
        var p = Parameters;
        int nx = Nx, ny = Ny;
        double tip = 0, liSe = 0;
        int x0 = (int)Math.Ceiling(p.LiThicknessUm / DxUm);
        for (int y = 0; y < ny; y++)
            for (int x = 0; x < nx; x++)
            {
                int i = y * nx + x;
                if (_connected[i]) tip = Math.Max(tip, (x + 1) * DxUm);
                if (x >= x0) liSe += Xi[i];
            }
        var (deadCount, deadCells) = DeadLi();
        double maxP = 0, maxVm = 0, volStrain = 0, liCells = 0;
        for (int i = 0; i < Xi.Length; i++)
        {
            maxP = Math.Max(maxP, HydrostaticMPa[i]);
            maxVm = Math.Max(maxVm, VonMisesMPa[i]);
            if (Xi[i] > 0.5 && (i % nx) >= x0) { volStrain += VolumetricStrain[i]; liCells++; }
        }
        return new DendriteObservation(TimeS, DtS, Steps, _lastCurrent, LeakageCurrentAPerM(), LiArea(), liSe * DxUm * DxUm,
            PlatedFromChargeUm2, tip, Math.Max(0, tip - p.LiThicknessUm), deadCount, deadCells * DxUm * DxUm, _bridgedNow,
            maxP, maxVm, liCells > 0 ? volStrain / liCells : 0, LastPcgIterations);
    }

    /// <summary>Connected Li islands (ξ &gt; ½) not connected to the anode: count and cell count.</summary>
    public (int Count, long Cells) DeadLi()
    {
        int nx = Nx, ny = Ny;
        var seen = new bool[Xi.Length];
        int count = 0; long cells = 0;
        var queue = new Queue<int>();
        for (int s = 0; s < Xi.Length; s++)
        {
            if (seen[s] || _connected[s] || Xi[s] <= 0.5) continue;
            count++;
            seen[s] = true; queue.Enqueue(s);
            while (queue.Count > 0)
            {
                int i = queue.Dequeue(), x = i % nx, y = i / nx;
                cells++;
                void Visit(int j) { if (!seen[j] && !_connected[j] && Xi[j] > 0.5) { seen[j] = true; queue.Enqueue(j); } }
                if (x > 0) Visit(i - 1);
                if (x < nx - 1) Visit(i + 1);
                if (y > 0) Visit(i - nx);
                if (y < ny - 1) Visit(i + nx);
            }
        }
        return (count, cells);
    }

    /// <summary>
    /// Electronic (leakage) current through the cathode-side boundary, A per m depth: ∇·(σₑ∇φ) = 0 with the
    /// anode-connected Li at the applied potential and 0 V at the right boundary; σₑ = SE electronic conductivity
    /// (paper: 3.2×10⁻⁹ S cm⁻¹), pores 10⁻³ of it, and σ_Li in a Li bridge (when the anode-connected Li reaches the right
    /// boundary, the bridge alone is solved with σ_Li).
    /// </summary>
    public double LeakageCurrentAPerM()
    {
        var p = Parameters;
        int n = Xi.Length;
        var solver = _leak ??= new CellPoisson(Nx, Ny, DxUm) { RightValue = 0 };
        solver.LeftValue = null;
        var k = new double[n];
        var u = new double[n];
        var fixedMask = new bool[n];
        if (_bridgedNow)
        {
            solver.LeftValue = p.AppliedVoltageV;
            for (int i = 0; i < n; i++)
            {
                k[i] = _connected[i] ? p.LiConductivitySPerM : 0;
                fixedMask[i] = !_connected[i];
                u[i] = _connected[i] ? p.AppliedVoltageV * 0.5 : 0;
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                double se = p.SeElectronicConductivitySPerM * (Pores[i] == 1 ? 1e-3 : 1);
                k[i] = _connected[i] ? p.LiConductivitySPerM : Xi[i] > 0.5 ? se * 1e3 : se;
                fixedMask[i] = _connected[i];
                u[i] = _connected[i] ? p.AppliedVoltageV : p.AppliedVoltageV * 0.5;
            }
        }
        solver.Fixed = fixedMask;
        solver.SetConductivity(k);
        solver.Solve(u, new double[n], tolerance: 1e-7, maxIterations: 300);
        return -solver.RightBoundaryFlux(u) * DxUm;
    }

    /// <summary>
    /// Writes the complete evolving state (for checkpoints): time, the adaptive Δt controller's next step, counters, the
    /// fields (ξ, c, φₑ — also the warm start of the next ionic solve — η, the Faradaic rate, the stresses and the mechanical
    /// shift), the lagged-elasticity schedule (next solve, the last two solve times that set the extrapolation) and the
    /// displacement warm-start vectors. A run resumed from it repeats the uninterrupted run bit for bit (the pores, the
    /// initial state and the elastic reference state follow from the parameters; the random pore generator is not re-drawn).
    /// </summary>
    public void WriteState(BinaryWriter w)
    {
        w.Write(TimeS); w.Write(DtS); w.Write(Steps); w.Write(PlatedFromChargeUm2); w.Write(EverBridged); w.Write(BridgeEvents);
        w.Write(FirstBridgeTimeS); w.Write(_bridgedNow); w.Write(_lastCurrent); w.Write(_nextMechanicsS);
        w.Write(_lastMechanicsS); w.Write(_prevMechanicsS); w.Write(LastPcgIterations);
        foreach (var arr in StateFields)
        {
            w.Write(arr.Length);
            foreach (var v in arr) w.Write(v);
        }
        w.Write(_mech != null);
        _mech?.WriteState(w);
    }

    double[][] StateFields => [Xi, Concentration, IonicPotentialV, OverpotentialV, ReactionRatePerS, HydrostaticMPa, VonMisesMPa, VolumetricStrain, MechanicalShiftV];

    /// <summary>Restores the state written by <see cref="WriteState"/> (same parameters).</summary>
    public void ReadState(BinaryReader r)
    {
        TimeS = r.ReadDouble(); DtS = r.ReadDouble(); Steps = r.ReadInt64(); PlatedFromChargeUm2 = r.ReadDouble(); EverBridged = r.ReadBoolean();
        BridgeEvents = r.ReadInt32(); FirstBridgeTimeS = r.ReadDouble(); _bridgedNow = r.ReadBoolean(); _lastCurrent = r.ReadDouble(); _nextMechanicsS = r.ReadDouble();
        _lastMechanicsS = r.ReadDouble(); _prevMechanicsS = r.ReadDouble(); LastPcgIterations = r.ReadInt32();
        foreach (var arr in StateFields)
        {
            int n = r.ReadInt32();
            if (n != arr.Length) throw new InputException("checkpoint", $"field has {n} cells, the grid has {arr.Length}");
            for (int i = 0; i < n; i++) arr[i] = r.ReadDouble();
        }
        bool hadMechanics = r.ReadBoolean();
        if (hadMechanics != (_mech != null))
            throw new InputException("checkpoint", hadMechanics ? "was written with mechanics; resume without --no-mechanics" : "was written with --no-mechanics; resume with it");
        _mech?.ReadState(r);
        UpdateConnectivity();
    }

    /// <summary>
    /// The observation schedule: the first multiple of <paramref name="intervalS"/> after <paramref name="timeS"/> (from t = 0,
    /// so an uninterrupted and a resumed run observe at the same instants and clip their steps identically).
    /// </summary>
    public static double NextMultiple(double timeS, double intervalS) => intervalS * (Math.Floor(timeS / intervalS + 1e-9) + 1);

    /// <summary>Phase map η = ξ + ρ (2 Li, 1 SE, 0 Li-filled pore, −1 pore), as in Fig. 4A.</summary>
    public float[] PhaseMap()
    {
        var m = new float[Xi.Length];
        for (int i = 0; i < m.Length; i++) m[i] = (float)(Math.Clamp(Xi[i], 0, 1) + (Pores[i] == 1 ? -1 : 1));
        return m;
    }

    /// <summary>Runs to <paramref name="endTimeS"/>, calling <paramref name="observe"/> every <paramref name="intervalS"/> (and at the end).</summary>
    public void Run(double endTimeS, double intervalS, Action<DendriteObservation> observe, IProgress<ProgressReport>? progress = null, CancellationToken cancel = default)
    {
        double next = NextMultiple(TimeS, intervalS);
        if (Steps == 0) observe(Observe());
        while (TimeS < endTimeS - 1e-9)
        {
            cancel.ThrowIfCancellationRequested();
            DtS = Math.Min(DtS, Math.Max(1e-6, Math.Min(next, endTimeS) - TimeS));
            Step();
            bool scheduled = TimeS >= next - 1e-9;
            if (scheduled || TimeS >= endTimeS - 1e-9)
            {
                observe(Observe());
                progress?.Report(new ProgressReport($"phase field t = {TimeS:F0} s", TimeS / endTimeS));
            }
            if (scheduled) next = NextMultiple(TimeS, intervalS);
        }
    }
}
