namespace SoftShort.Synthetic;

/// <summary>
/// Bound-atom neutron cross sections of one element (natural isotopic abundance), barns (1 b = 10⁻²⁴ cm²).
/// Absorption is given at the reference velocity 2200 m s⁻¹ (λ₀ = 1.798 Å) and scales as 1/v, i.e. ∝ λ.
/// </summary>
/// <param name="Symbol">Element symbol.</param>
/// <param name="MolarMassGPerMol">Standard atomic weight, g mol⁻¹ (IUPAC 2021 abridged values).</param>
/// <param name="CoherentB">Bound coherent scattering cross section σ_coh, b.</param>
/// <param name="IncoherentB">Bound incoherent scattering cross section σ_inc, b.</param>
/// <param name="Absorption2200B">Absorption cross section σ_abs at 2200 m s⁻¹ (1.798 Å), b.</param>
public readonly record struct NeutronElement(string Symbol, double MolarMassGPerMol, double CoherentB, double IncoherentB, double Absorption2200B)
{
    /// <summary>Total scattering σ_s = σ_coh + σ_inc, b.</summary>
    public double ScatteringB => CoherentB + IncoherentB;

    /// <summary>Absorption at wavelength <paramref name="wavelengthA"/> (Å), b: σ_abs(λ) = σ_abs(λ₀)·λ/λ₀ (1/v law).</summary>
    public double AbsorptionB(double wavelengthA) => Absorption2200B * wavelengthA / NeutronCrossSections.ReferenceWavelengthA;

    /// <summary>Total σ_s + σ_abs(λ), b.</summary>
    public double TotalB(double wavelengthA) => ScatteringB + AbsorptionB(wavelengthA);
}

/// <summary>
/// A material for neutron attenuation: number densities of its elements (atoms cm⁻³). Its macroscopic total cross
/// section is Σ(λ) = Σᵢ Nᵢ (σ_s,ᵢ + σ_abs,ᵢ·λ/λ₀), linear in λ: <c>Σ(λ) = ScatteringPerCm + AbsorptionRefPerCm·λ/λ₀</c>.
/// Scattering is taken as the free-atom (bound) constant; Bragg edges of crystalline SS are ignored (a few-percent
/// effect on the SS rods' grey level, which the analysis normalises away).
/// </summary>
public sealed class NeutronMaterial
{
    readonly Dictionary<string, double> _atomsPerCm3;

    NeutronMaterial(string name, double densityGPerCm3, Dictionary<string, double> atomsPerCm3)
    {
        Name = name; DensityGPerCm3 = densityGPerCm3; _atomsPerCm3 = atomsPerCm3;
        double s = 0, a = 0;
        foreach (var (sym, n) in atomsPerCm3)
        {
            var e = NeutronCrossSections.Element(sym);
            s += n * e.ScatteringB * 1e-24;
            a += n * e.Absorption2200B * 1e-24;
        }
        ScatteringPerCm = s; AbsorptionRefPerCm = a;
    }

    public string Name { get; }
    /// <summary>Bulk density, g cm⁻³ (including porosity where the material was built with one).</summary>
    public double DensityGPerCm3 { get; }
    /// <summary>Macroscopic scattering cross section Σ_s, cm⁻¹ (wavelength independent in this model).</summary>
    public double ScatteringPerCm { get; }
    /// <summary>Macroscopic absorption cross section at λ₀ = 1.798 Å, cm⁻¹.</summary>
    public double AbsorptionRefPerCm { get; }
    /// <summary>Number density of each element, atoms cm⁻³.</summary>
    public IReadOnlyDictionary<string, double> AtomsPerCm3 => _atomsPerCm3;

    /// <summary>Total macroscopic cross section Σ(λ) = Σ_s + Σ_abs(λ₀)·λ/λ₀, cm⁻¹.</summary>
    public double AttenuationPerCm(double wavelengthA) => ScatteringPerCm + AbsorptionRefPerCm * wavelengthA / NeutronCrossSections.ReferenceWavelengthA;

    /// <summary>
    /// A compound from its formula (element → atoms per formula unit) and density: N_f = ρ N_A / M_f.
    /// </summary>
    /// <param name="name">Display name.</param>
    /// <param name="formula">Atoms per formula unit, e.g. { Li: 1 } or { Li: 5.4, P: 1, S: 4.4, Cl: 1.6 }.</param>
    /// <param name="densityGPerCm3">Density of the dense compound, g cm⁻³.</param>
    public static NeutronMaterial FromFormula(string name, IReadOnlyDictionary<string, double> formula, double densityGPerCm3)
    {
        InputException.Require(densityGPerCm3 >= 0 && double.IsFinite(densityGPerCm3), $"{name} density", $"must be ≥ 0, got {densityGPerCm3}");
        double molar = 0;
        foreach (var (sym, n) in formula) molar += n * NeutronCrossSections.Element(sym).MolarMassGPerMol;
        InputException.Require(molar > 0, $"{name} formula", "is empty");
        double formulaUnitsPerCm3 = densityGPerCm3 * NeutronCrossSections.AvogadroPerMol / molar;
        return new NeutronMaterial(name, densityGPerCm3, formula.ToDictionary(kv => kv.Key, kv => kv.Value * formulaUnitsPerCm3));
    }

    /// <summary>
    /// A mixture by mass fractions at a given bulk density (porosity is folded into the bulk density):
    /// each component contributes its atoms in proportion to wᵢ·ρ_bulk/ρᵢ.
    /// </summary>
    /// <param name="name">Display name.</param>
    /// <param name="components">(dense component, mass fraction); fractions are renormalised to sum 1.</param>
    /// <param name="bulkDensityGPerCm3">Bulk density of the mixture, g cm⁻³.</param>
    public static NeutronMaterial Mixture(string name, IReadOnlyList<(NeutronMaterial Material, double MassFraction)> components, double bulkDensityGPerCm3)
    {
        double wsum = components.Sum(c => c.MassFraction);
        InputException.Require(wsum > 0, $"{name} mixture", "mass fractions must sum to a positive number");
        var atoms = new Dictionary<string, double>();
        foreach (var (m, w) in components)
        {
            double scale = w / wsum * bulkDensityGPerCm3 / m.DensityGPerCm3;
            foreach (var (sym, n) in m._atomsPerCm3) atoms[sym] = atoms.GetValueOrDefault(sym) + n * scale;
        }
        return new NeutronMaterial(name, bulkDensityGPerCm3, atoms);
    }

    /// <summary>The same material with a fraction of its volume empty (bulk density ρ(1 − φ)).</summary>
    public NeutronMaterial WithPorosity(double porosity)
    {
        InputException.Require(porosity is >= 0 and < 1, $"{Name} porosity", $"must be in [0, 1), got {porosity}");
        return new NeutronMaterial($"{Name} ({porosity:P1} porous)", DensityGPerCm3 * (1 - porosity),
            _atomsPerCm3.ToDictionary(kv => kv.Key, kv => kv.Value * (1 - porosity)));
    }

    /// <summary>A material with nothing in it (air is treated as vacuum: Σ ≈ 10⁻⁴ cm⁻¹ is negligible over cm).</summary>
    public static NeutronMaterial Vacuum { get; } = new("vacuum", 0, new Dictionary<string, double>());

    public override string ToString() => $"{Name}: Σ_s = {ScatteringPerCm:G4} cm⁻¹, Σ_abs(1.798 Å) = {AbsorptionRefPerCm:G4} cm⁻¹";
}

/// <summary>
/// Neutron cross sections of the elements and materials of the paper's cell, from
/// V. F. Sears, "Neutron scattering lengths and cross sections", Neutron News 3(3), 26–37 (1992), as tabulated by
/// NIST (https://www.ncnr.nist.gov/resources/n-lengths/). Natural Li: σ_abs = 70.5 b at 1.798 Å (⁶Li 940 b at 7.59 %),
/// σ_coh = 0.454 b, σ_inc = 0.92 b. Cl: σ_abs = 33.5 b. Molar masses: IUPAC 2021.
/// </summary>
public static class NeutronCrossSections
{
    /// <summary>Wavelength of 2200 m s⁻¹ neutrons, Å (h / (m_n · 2200 m s⁻¹) = 1.7982 Å).</summary>
    public const double ReferenceWavelengthA = 1.798;

    /// <summary>Avogadro constant, mol⁻¹ (exact, SI 2019).</summary>
    public const double AvogadroPerMol = 6.02214076e23;

    // Sears 1992 / NIST table: symbol, M (g/mol, IUPAC 2021), σ_coh, σ_inc, σ_abs(2200 m/s) in barns.
    static readonly Dictionary<string, NeutronElement> Elements = new NeutronElement[]
    {
        new("H", 1.008, 1.7568, 80.26, 0.3326),
        new("Li", 6.94, 0.454, 0.92, 70.5),
        new("C", 12.011, 5.551, 0.001, 0.0035),
        new("O", 15.999, 4.232, 0.0008, 0.00019),
        new("F", 18.998, 4.017, 0.0008, 0.0096),
        new("Si", 28.085, 2.163, 0.004, 0.171),
        new("P", 30.974, 3.307, 0.005, 0.172),
        new("S", 32.06, 1.0186, 0.007, 0.53),
        new("Cl", 35.45, 11.5257, 5.3, 33.5),
        new("Cr", 51.996, 1.660, 1.83, 3.05),
        new("Mn", 54.938, 1.75, 0.40, 13.3),
        new("Fe", 55.845, 11.22, 0.40, 2.56),
        new("Co", 58.933, 0.779, 4.8, 37.18),
        new("Ni", 58.693, 13.3, 5.2, 4.49),
        new("Mo", 95.95, 5.67, 0.04, 2.48),
    }.ToDictionary(e => e.Symbol);

    /// <summary>The tabulated element data (Sears 1992).</summary>
    public static NeutronElement Element(string symbol) =>
        Elements.TryGetValue(symbol, out var e) ? e : throw new InputException(symbol, "element not in the neutron cross-section table");

    public static IReadOnlyCollection<NeutronElement> AllElements => Elements.Values;

    /// <summary>Li metal, ρ = 0.534 g cm⁻³ (CRC Handbook, 97th ed.).</summary>
    public static NeutronMaterial Lithium { get; } = NeutronMaterial.FromFormula("Li metal", new Dictionary<string, double> { ["Li"] = 1 }, Electrochemistry.Faraday.LiDensityGPerCm3);

    /// <summary>
    /// Argyrodite SE, dense. The paper writes both Li5.4PS4.4Cl1.6 (Results) and Li5.4PS4.6Cl1.4 (Experimental); only
    /// Li5.4PS4.4Cl1.6 is charge balanced (5.4 + 5 − 2·4.4 − 1.6 = 0), so we use it. Density 1.87 g cm⁻³ (see <see cref="CellGeometry.SeTheoreticalDensityGPerCm3"/>).
    /// </summary>
    public static NeutronMaterial SolidElectrolyteDense { get; } = NeutronMaterial.FromFormula("Li5.4PS4.4Cl1.6",
        new Dictionary<string, double> { ["Li"] = 5.4, ["P"] = 1, ["S"] = 4.4, ["Cl"] = 1.6 }, 1.87);

    /// <summary>NMC811 LiNi0.8Mn0.1Co0.1O2, dense, ρ = 4.75 g cm⁻³ (crystallographic; see <see cref="CellGeometry.Nmc811DensityGPerCm3"/>).</summary>
    public static NeutronMaterial Nmc811Dense { get; } = NeutronMaterial.FromFormula("LiNi0.8Mn0.1Co0.1O2",
        new Dictionary<string, double> { ["Li"] = 1, ["Ni"] = 0.8, ["Mn"] = 0.1, ["Co"] = 0.1, ["O"] = 2 }, 4.75);

    /// <summary>Vapour-grown carbon fibre, ρ = 2.0 g cm⁻³ (Showa Denko VGCF data sheet).</summary>
    public static NeutronMaterial CarbonFibre { get; } = NeutronMaterial.FromFormula("carbon fibre", new Dictionary<string, double> { ["C"] = 1 }, 2.0);

    /// <summary>PTFE (C2F4)n, ρ = 2.2 g cm⁻³ (DuPont Teflon PTFE properties handbook: 2.13–2.20).</summary>
    public static NeutronMaterial Ptfe { get; } = NeutronMaterial.FromFormula("PTFE", new Dictionary<string, double> { ["C"] = 2, ["F"] = 4 }, 2.2);

    /// <summary>
    /// Stainless steel. Assumption: AISI 304 (the paper says only "SS"), mass fractions Fe 0.70, Cr 0.19, Ni 0.09,
    /// Mn 0.02 (ASTM A240 nominal), ρ = 7.9 g cm⁻³.
    /// </summary>
    public static NeutronMaterial StainlessSteel { get; } = MassFractionAlloy("SS 304",
        [("Fe", 0.70), ("Cr", 0.19), ("Ni", 0.09), ("Mn", 0.02)], 7.9);

    /// <summary>
    /// The material of each <see cref="CellMaterial"/> in <paramref name="cell"/> (porosities and the cathode mix
    /// NMC811 : SE : carbon = 80 : 20 : 2 by weight are taken from the cell). Air → vacuum.
    /// </summary>
    public static NeutronMaterial For(CellMaterial material, CellGeometry? cell = null)
    {
        cell ??= new CellGeometry();
        return material switch
        {
            CellMaterial.Air => NeutronMaterial.Vacuum,
            CellMaterial.Ptfe => Ptfe,
            CellMaterial.StainlessSteel => StainlessSteel,
            CellMaterial.Lithium => Lithium,
            CellMaterial.SolidElectrolyte => SolidElectrolyteDense.WithPorosity(cell.SePorosity),
            CellMaterial.Cathode => CathodeComposite(cell),
            _ => throw new ArgumentOutOfRangeException(nameof(material)),
        };
    }

    /// <summary>The cathode composite NMC811 : SE : carbon fibre = 80 : 20 : 2 by weight at the cell's cathode porosity.</summary>
    public static NeutronMaterial CathodeComposite(CellGeometry cell)
    {
        double w1 = 80 / 102.0, w2 = 20 / 102.0, w3 = 2 / 102.0;
        double solidDensity = 1 / (w1 / cell.Nmc811DensityGPerCm3 + w2 / cell.SeTheoreticalDensityGPerCm3 + w3 / cell.CarbonFibreDensityGPerCm3);
        return NeutronMaterial.Mixture("cathode composite", [(Nmc811Dense, w1), (SolidElectrolyteDense, w2), (CarbonFibre, w3)], solidDensity * (1 - cell.CathodePorosity));
    }

    static NeutronMaterial MassFractionAlloy(string name, IReadOnlyList<(string Symbol, double MassFraction)> parts, double density) =>
        NeutronMaterial.Mixture(name, parts.Select(p => (NeutronMaterial.FromFormula(p.Symbol, new Dictionary<string, double> { [p.Symbol] = 1 }, density), p.MassFraction)).ToList(), density);
}

/// <summary>
/// A polychromatic beam spectrum φ(λ) on a wavelength grid, and the spectrum-averaged Beer–Lambert transmission.
/// Because every material's Σ(λ) is linear in λ (<see cref="NeutronMaterial"/>), a ray through several materials has
/// optical depth τ(λ) = A + B·λ with A = Σ Σ_s,m L_m and B = Σ Σ_abs,m(λ₀) L_m / λ₀, so the detected transmission is
/// T = e^(−A) · ⟨e^(−Bλ)⟩_φ: a function of one variable that <see cref="Transmission(double, double)"/> evaluates exactly on the grid.
/// </summary>
public sealed class NeutronSpectrum
{
    readonly double[] _wavelengthA, _weight;

    /// <param name="wavelengthA">Wavelength grid, Å.</param>
    /// <param name="flux">Relative flux per grid point (any scale; normalised here).</param>
    public NeutronSpectrum(IReadOnlyList<double> wavelengthA, IReadOnlyList<double> flux)
    {
        InputException.Require(wavelengthA.Count == flux.Count && wavelengthA.Count > 0, "spectrum", "wavelength and flux must be equally long and non-empty");
        double sum = flux.Sum();
        InputException.Require(sum > 0, "spectrum", "flux must have a positive sum");
        _wavelengthA = [.. wavelengthA];
        _weight = flux.Select(f => f / sum).ToArray();
    }

    public IReadOnlyList<double> WavelengthA => _wavelengthA;
    /// <summary>Normalised weights (sum 1).</summary>
    public IReadOnlyList<double> Weight => _weight;

    /// <summary>Flux-weighted mean wavelength, Å.</summary>
    public double MeanWavelengthA => _wavelengthA.Zip(_weight, (l, w) => l * w).Sum();

    /// <summary>A single wavelength (monochromatic beam).</summary>
    public static NeutronSpectrum Monochromatic(double wavelengthA) => new([wavelengthA], [1.0]);

    /// <summary>
    /// The CG1D cold beam (paper, Experimental section: 0.8–6 Å, peak at 2.6 Å): modelled as a Maxwellian flux
    /// φ(λ) ∝ λ⁻⁵ exp(−a/λ²) with a = 5·λ_peak²/2 so that its maximum is at 2.6 Å, truncated to 0.8–6 Å.
    /// The shape is an assumption (the paper gives only range and peak; Santodonato et al., Phys. Procedia 69 (2015) 104
    /// show a Maxwellian-like CG1D spectrum).
    /// </summary>
    /// <param name="points">Grid points between the limits. Default 64.</param>
    /// <param name="minA">Shortest wavelength, Å. Default 0.8 (paper).</param>
    /// <param name="maxA">Longest wavelength, Å. Default 6 (paper).</param>
    /// <param name="peakA">Wavelength of the flux maximum, Å. Default 2.6 (paper).</param>
    public static NeutronSpectrum ColdCG1D(int points = 64, double minA = 0.8, double maxA = 6.0, double peakA = 2.6)
    {
        InputException.Require(points >= 2 && minA > 0 && maxA > minA && peakA > 0, "spectrum", "needs ≥ 2 points and 0 < min < max");
        double a = 2.5 * peakA * peakA;
        var l = new double[points]; var f = new double[points];
        for (int i = 0; i < points; i++)
        {
            l[i] = minA + (maxA - minA) * i / (points - 1);
            f[i] = Math.Pow(l[i], -5) * Math.Exp(-a / (l[i] * l[i])) * (i == 0 || i == points - 1 ? 0.5 : 1); // trapezoid weights
        }
        return new NeutronSpectrum(l, f);
    }

    /// <summary>
    /// Spectrum-averaged transmission of a ray with scattering depth <paramref name="scatteringDepth"/> (A = Σ Σ_s L) and
    /// absorption depth at λ₀ <paramref name="absorptionDepthRef"/> (Σ Σ_abs(λ₀) L): T = e^(−A) Σ_k w_k e^(−D λ_k/λ₀).
    /// </summary>
    public double Transmission(double scatteringDepth, double absorptionDepthRef)
    {
        double s = 0, b = absorptionDepthRef / NeutronCrossSections.ReferenceWavelengthA;
        for (int k = 0; k < _weight.Length; k++) s += _weight[k] * Math.Exp(-b * _wavelengthA[k]);
        return Math.Exp(-scatteringDepth) * s;
    }

    /// <summary>Spectrum-averaged transmission through a path length <paramref name="lengthCm"/> of one material.</summary>
    public double Transmission(NeutronMaterial material, double lengthCm) =>
        Transmission(material.ScatteringPerCm * lengthCm, material.AbsorptionRefPerCm * lengthCm);

    /// <summary>Effective attenuation −ln T / L of <paramref name="material"/> for a thin layer (the flux-weighted Σ), cm⁻¹.</summary>
    public double EffectiveAttenuationPerCm(NeutronMaterial material) => material.AttenuationPerCm(MeanWavelengthA);

    /// <summary>
    /// A lookup table of ⟨e^(−Dλ/λ₀)⟩_φ against absorption depth D on [0, maxDepth], for fast per-pixel evaluation
    /// in forward models (linear interpolation in D; the function is smooth and convex).
    /// </summary>
    public Func<double, double> AbsorptionTable(double maxDepth, int points = 4096)
    {
        var tab = new double[points + 1];
        for (int i = 0; i <= points; i++) tab[i] = Transmission(0, maxDepth * i / points);
        double inv = points / maxDepth;
        return d =>
        {
            if (d <= 0) return 1;
            double u = d * inv;
            if (u >= points) return Transmission(0, d);
            int i = (int)u; double f = u - i;
            return tab[i] + f * (tab[i + 1] - tab[i]);
        };
    }
}
