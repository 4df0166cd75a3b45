namespace SoftShort.IO;

/// <summary>
/// Atomic writes: the content goes to a temporary file in the destination folder and is renamed into place
/// only when complete, so a failed run never leaves a half-written output (CONVENTIONS.md, "Files").
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes a file through <paramref name="write"/> on a temporary stream, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string tmp = TempPathFor(full);
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: false);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Writes text (UTF-8, no BOM) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>
    /// For writers that need a path rather than a stream (e.g. LibTiff): returns a temporary path in the same folder;
    /// call <see cref="Commit"/> when the file is complete or <see cref="Abandon"/> on failure.
    /// </summary>
    public static string TempPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Moves a completed temporary file into place.</summary>
    public static void Commit(string tempPath, string path) => File.Move(tempPath, Path.GetFullPath(path), overwrite: true);

    /// <summary>Deletes a temporary file after a failure (never throws).</summary>
    public static void Abandon(string tempPath) => TryDelete(tempPath);

    static void TryDelete(string p)
    {
        try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
