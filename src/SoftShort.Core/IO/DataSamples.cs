namespace SoftShort.IO;

/// <summary>Finds the bundled <c>data-samples/</c> folder.</summary>
public static class DataSamples
{
    /// <summary>Environment variable that overrides where the sample data live.</summary>
    public const string EnvironmentVariable = "SOFTSHORT_DATA";

    /// <summary>
    /// The sample data folder: <c>$SOFTSHORT_DATA</c> if set, else the first <c>data-samples</c> folder found walking up
    /// from the working directory, then from the program's own folder (so the CLI and notebooks work from anywhere in the repo).
    /// </summary>
    public static string Locate()
    {
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env))
            return Directory.Exists(env) ? Path.GetFullPath(env) : throw new InputException(env, $"{EnvironmentVariable} points to a folder that does not exist");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "data-samples");
                if (Directory.Exists(candidate)) return candidate;
            }
        throw new InputException("data-samples", $"folder not found above {Directory.GetCurrentDirectory()}; pass --data DIR or set {EnvironmentVariable}");
    }

    /// <summary>The repository root (the folder holding data-samples/), for notebooks that read files by relative path.</summary>
    public static string RepoRoot() => Path.GetDirectoryName(Locate())!;
}
