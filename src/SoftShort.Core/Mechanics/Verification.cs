namespace SoftShort.Mechanics;

/// <summary>Numeric vs closed-form result of a verification case.</summary>
public sealed record VerificationResult(string Case, string Quantity, string Unit, double Numeric, double Analytic, int Dofs, IReadOnlyList<(string Name, double Numeric, double Analytic)> Extra)
{
    public double RelativeError => Math.Abs(Numeric - Analytic) / Math.Max(Math.Abs(Analytic), 1e-300);
}

/// <summary>
/// Verification problems of the axisymmetric solver against closed forms: Lamé's thick cylinder, Hill's elastic –
/// perfectly-plastic thick cylinder, uniaxial stress relaxation under Norton creep, and a uniaxial patch test.
/// </summary>
public static class Verification
{
    /// <summary>Ring mesh a ≤ r ≤ b, 0 ≤ z ≤ h, nr × nz elements, region 0.</summary>
    static (AxiSolid Solid, int[,] At) Ring(double a, double b, double h, int nr, int nz, double grade = 1)
    {
        var (mesh, at) = AxiMesh.Block(AxiMesh.Graded(a, b, nr, grade), AxiMesh.Graded(0, h, nz), (_, _) => 0);
        return (new AxiSolid(mesh, 1), at);
    }

    static List<Prescribed> PlaneStrain(int[,] at)
    {
        var l = new List<Prescribed>();
        for (int j = 0; j < at.GetLength(0); j++) for (int i = 0; i < at.GetLength(1); i++) l.Add(new(AxiSolid.DofZ(at[j, i]), _ => 0));
        return l;
    }

    static List<EdgePressure> InnerPressure(int[,] at, double p)
    {
        var l = new List<EdgePressure>();
        for (int j = 0; j + 1 < at.GetLength(0); j++) l.Add(new(at[j + 1, 0], at[j, 0], tau => p * tau));
        return l;
    }

    /// <summary>
    /// Lamé: thick-walled cylinder, inner pressure p, plane strain (u_z = 0 everywhere ⇔ both ends fixed axially).
    /// u(a) = (1+ν)/E · p a²/(b²−a²) · [(1−2ν) a + b²/a].
    /// </summary>
    public static VerificationResult ThickCylinder(double riMm, double roMm, double pressureMPa, double eGPa, double nu, int nr = 16)
    {
        InputException.Require(roMm > riMm && riMm > 0, "--ri-mm/--ro-mm", $"need 0 < ri < ro, got ri = {riMm}, ro = {roMm}");
        var (s, at) = Ring(riMm, roMm, (roMm - riMm) / nr, nr, 1);
        s.Materials[0] = new ElasticMaterial("cylinder", eGPa * 1e3, nu);
        s.Run(new LoadStep { Name = "pressure", Prescribed = PlaneStrain(at), Pressures = InnerPressure(at, pressureMPa), InitialIncrement = 1 });
        double e = eGPa * 1e3, a = riMm, b = roMm, p = pressureMPa;
        double Lame(double r) => (1 + nu) / e * p * a * a / (b * b - a * a) * ((1 - 2 * nu) * r + b * b / r);
        double uo = s.U[AxiSolid.DofR(at[0, nr])];
        return new("thick-cylinder", "inner radial displacement", "mm", s.U[AxiSolid.DofR(at[0, 0])], Lame(a), s.FreeDofs,
            [("outer radial displacement (mm)", uo, Lame(b))]);
    }

    /// <summary>
    /// Hill (1950, "The Mathematical Theory of Plasticity", ch. V): elastic – perfectly-plastic thick cylinder in plane strain,
    /// von Mises with an incompressible material (ν → 0.5; the mesh uses ν = 0.4999, where B̄ keeps it free of locking).
    /// Plastic front c from p = (2σ_y/√3)[ln(c/a) + (b² − c²)/(2b²)]; inner displacement u(a) = σ_y c² / (2√3 G a).
    /// </summary>
    public static VerificationResult Hill(double riMm, double roMm, double pressureMPa, double eGPa, double yieldMPa, int nr = 40)
    {
        InputException.Require(roMm > riMm && riMm > 0, "--ri-mm/--ro-mm", $"need 0 < ri < ro, got ri = {riMm}, ro = {roMm}");
        double a = riMm, b = roMm, k2 = 2 * yieldMPa / Math.Sqrt(3);
        double pElastic = k2 * (b * b - a * a) / (2 * b * b), pLimit = k2 * Math.Log(b / a);
        InputException.Require(pressureMPa > pElastic && pressureMPa < pLimit, "--pressure-mpa",
            $"must lie between first yield {pElastic:F2} MPa and collapse {pLimit:F2} MPa for a partly plastic wall, got {pressureMPa}");
        double lo = a, hi = b;
        for (int i = 0; i < 200; i++)
        {
            double c = 0.5 * (lo + hi);
            if (k2 * (Math.Log(c / a) + (b * b - c * c) / (2 * b * b)) < pressureMPa) lo = c; else hi = c;
        }
        double cFront = 0.5 * (lo + hi);
        const double nu = 0.4999;
        double g = eGPa * 1e3 / (2 * (1 + nu));
        var (s, at) = Ring(a, b, (b - a) / nr, nr, 1);
        s.Materials[0] = new J2PlasticMaterial("cylinder", eGPa * 1e3, nu, yieldMPa, 0);
        s.Run(new LoadStep { Name = "pressure", Prescribed = PlaneStrain(at), Pressures = InnerPressure(at, pressureMPa), InitialIncrement = 0.1, MaxIncrement = 0.1 });
        // numeric plastic front: outermost element with plastic strain
        double front = a;
        for (int e = 0; e < s.Mesh.ElementCount; e++)
            if (s.ElementMean(e, st => st.Eqps) > 0) front = Math.Max(front, s.Mesh.R[s.Mesh.Conn[4 * e + 1]]);
        double uA = yieldMPa * cFront * cFront / (2 * Math.Sqrt(3) * g * a);
        return new("hill", "inner radial displacement", "mm", s.U[AxiSolid.DofR(at[0, 0])], uA, s.FreeDofs,
            [("plastic front radius (mm, outer edge of last yielded element)", front, cFront)]);
    }

    /// <summary>
    /// Uniaxial stress relaxation at fixed strain under Norton creep ε̇ = A σⁿ: σ(t) = [σ0^{1−n} + (n−1) E A t]^{−1/(n−1)}
    /// with σ0 = E ε0. One solid-cylinder element, free lateral surface (uniaxial stress).
    /// </summary>
    public static VerificationResult CreepRelaxation(double eGPa, double strain, double creepA, double exponent, double timeS, int increments = 200)
    {
        InputException.Require(strain > 0 && strain < 0.01, "--strain", $"must be in (0, 0.01) for a small-strain test, got {strain}");
        InputException.Require(timeS > 0, "--time-s", $"must be positive, got {timeS}");
        var (mesh, at) = AxiMesh.Block([0, 1], [0, 1], (_, _) => 0);
        var s = new AxiSolid(mesh, 1);
        s.Materials[0] = new CreepPlasticMaterial("creep", eGPa * 1e3, 0.3, creepA, exponent, 1e9, 0);
        var pres = new List<Prescribed>
        {
            new(AxiSolid.DofR(at[0, 0]), _ => 0), new(AxiSolid.DofR(at[1, 0]), _ => 0),
            new(AxiSolid.DofZ(at[0, 0]), _ => 0), new(AxiSolid.DofZ(at[0, 1]), _ => 0),
        };
        // instantaneous elastic loading (no time), then hold
        s.Run(new LoadStep { Name = "load", Prescribed = [.. pres, new(AxiSolid.DofZ(at[1, 0]), t => -strain * t), new(AxiSolid.DofZ(at[1, 1]), t => -strain * t)], InitialIncrement = 1 });
        double sigma0 = Math.Abs(s.State[0].S1);
        s.Run(new LoadStep
        {
            Name = "hold", DurationS = timeS, TimeExponent = 3, InitialIncrement = 1.0 / increments, MaxIncrement = 1.0 / increments,
            Prescribed = [.. pres, new(AxiSolid.DofZ(at[1, 0]), _ => -strain), new(AxiSolid.DofZ(at[1, 1]), _ => -strain)],
        });
        double e = eGPa * 1e3, n = exponent, s0 = e * strain;
        double exact = Math.Pow(Math.Pow(s0, 1 - n) + (n - 1) * e * creepA * timeS, -1 / (n - 1));
        return new("creep-relaxation", "axial stress after hold", "MPa", Math.Abs(s.State[0].S1), exact, s.FreeDofs, [("initial stress (MPa)", sigma0, s0)]);
    }
}

/// <summary>
/// The CalculiX cross-check case (tests/SoftShort.Tests/Mechanics/Fixtures/ccx/make_ccx_case.py): a Li disc (J2, yield 0.8 MPa,
/// H 10 MPa) in a PTFE ring (J2, yield 10 MPa, H 40 MPa) with frictionless penalty contact (1e5 MPa/mm) at r = 3.175 mm,
/// compressed axially by deltaMm between frictionless platens; ring held axially at both ends.
/// Returns the top reaction per radian (N) and the ring's inner radial displacement at mid-height (mm).
/// </summary>
public static class CalculixCase
{
    public static (double ReactionPerRadN, double TubeInnerUrMidMm, int Dofs) Run(double hMm = 0.025, double deltaMm = 0.025)
    {
        const double rb = 3.175, ro = 4.7625, t = 0.25;
        int nz = (int)Math.Round(t / hMm);
        double[] zs = AxiMesh.Graded(0, t, nz);
        var (li, lAt) = AxiMesh.Block(AxiMesh.Graded(0, rb, (int)Math.Round(rb / hMm)), zs, (_, _) => 0);
        var (tu, tAt) = AxiMesh.Block(AxiMesh.Graded(rb, ro, (int)Math.Round((ro - rb) / hMm)), zs, (_, _) => 1);
        var (mesh, off) = AxiMesh.Concat(li, tu);
        var s = new AxiSolid(mesh, 2) { ContactPenaltyMPaPerMm = 1e5 };
        s.Materials[0] = new J2PlasticMaterial("li", 7820, 0.381, 0.8, 10);
        s.Materials[1] = new J2PlasticMaterial("ptfe", 500, 0.46, 10, 40);
        int nrl = lAt.GetLength(1) - 1, nrt = tAt.GetLength(1) - 1;
        for (int j = 0; j <= nz; j++)
            s.Contacts.Add(new ContactPair(lAt[j, nrl] + off[0], tAt[j, 0] + off[1], rb * 0.5 * ((j > 0 ? zs[j] - zs[j - 1] : 0) + (j < nz ? zs[j + 1] - zs[j] : 0))));
        var bc = new List<Prescribed>();
        var top = new List<int>();
        for (int j = 0; j <= nz; j++) bc.Add(new(AxiSolid.DofR(lAt[j, 0] + off[0]), _ => 0));
        for (int i = 0; i <= nrl; i++)
        {
            bc.Add(new(AxiSolid.DofZ(lAt[0, i] + off[0]), _ => 0));
            int d = AxiSolid.DofZ(lAt[nz, i] + off[0]); top.Add(d);
            bc.Add(new(d, tau => -deltaMm * tau));
        }
        for (int i = 0; i <= nrt; i++) { bc.Add(new(AxiSolid.DofZ(tAt[0, i] + off[1]), _ => 0)); bc.Add(new(AxiSolid.DofZ(tAt[nz, i] + off[1]), _ => 0)); }
        s.Run(new LoadStep { Name = "compress", Prescribed = bc, InitialIncrement = 0.05, MaxIncrement = 0.05 });
        double ur;
        if (nz % 2 == 0) ur = s.U[AxiSolid.DofR(tAt[nz / 2, 0] + off[1])];
        else ur = 0.5 * (s.U[AxiSolid.DofR(tAt[nz / 2, 0] + off[1])] + s.U[AxiSolid.DofR(tAt[nz / 2 + 1, 0] + off[1])]);
        return (s.Reaction(top) / (2 * Math.PI), ur, s.FreeDofs);
    }
}
