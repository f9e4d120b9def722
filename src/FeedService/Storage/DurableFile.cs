using System.Runtime.InteropServices;

namespace FeedService.Storage;

/// <summary>
/// Files that must still be whole after a power cut: each is written to a temp file in its own folder, flushed to disk,
/// renamed over the target, and then the folder is synced, because a rename lives in the folder and is lost with it
/// otherwise. A reader sees the old file or the new one, never half of one, before and after a cut.
/// </summary>
public static partial class DurableFile
{
    public const string TempSuffix = ".tmp";

    /// <summary>Replaces one file durably.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes, UnixFileMode? mode = null)
    {
        var temp = WriteTemp(path, bytes, mode);
        Rename(temp, path);
        SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>
    /// Replaces several files, renamed in the order given, with one sync per folder at the end: every temp file is on disk
    /// before the first rename, so a cut leaves each file either old or new, whole.
    /// </summary>
    public static void WriteAll(IReadOnlyList<(string Path, ReadOnlyMemory<byte> Bytes)> files)
    {
        var temps = new List<string>(files.Count);
        try
        {
            foreach (var (path, bytes) in files) temps.Add(WriteTemp(path, bytes.Span, null));
        }
        catch
        {
            foreach (var temp in temps) File.Delete(temp);
            throw;
        }
        for (var i = 0; i < files.Count; i++) Rename(temps[i], files[i].Path);
        foreach (var folder in files.Select(f => Path.GetDirectoryName(f.Path)!).Distinct(StringComparer.Ordinal)) SyncDirectory(folder);
    }

    /// <summary>Removes files and syncs their folders; true when any existed.</summary>
    public static bool DeleteAll(IEnumerable<string> paths)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!File.Exists(path)) continue;
            File.Delete(path);
            folders.Add(Path.GetDirectoryName(path)!);
        }
        foreach (var folder in folders) SyncDirectory(folder);
        return folders.Count > 0;
    }

    /// <summary>Whether a file name is one of the temp files written here (a process that died mid-write leaves them).</summary>
    public static bool IsTempName(string fileName) => fileName.StartsWith('.') && fileName.EndsWith(TempSuffix, StringComparison.Ordinal);

    /// <summary>
    /// Creates a folder (and its parents) so that it survives a power cut: each folder's entry is synced in its parent.
    /// Folders that already existed are synced where possible too (a folder made with mkdir a moment ago is not on disk
    /// yet); one that cannot be opened, above where we may read, is left as it is.
    /// </summary>
    public static void CreateDirectory(string folder)
    {
        folder = Path.GetFullPath(folder);
        var created = new HashSet<string>(StringComparer.Ordinal);
        for (var f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f)) created.Add(f);
        Directory.CreateDirectory(folder);
        for (var child = folder; Path.GetDirectoryName(child) is { } parent; child = parent)
        {
            try
            {
                SyncDirectory(parent);
            }
            catch (IOException) when (!created.Contains(child))
            {
                // A folder we may not open (e.g. mode 711) whose entry existed before us: nothing of ours to make durable.
            }
        }
    }

    private static string WriteTemp(string path, ReadOnlySpan<byte> bytes, UnixFileMode? mode)
    {
        // The temp file sits in the target's own folder, so the rename never crosses file systems.
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
            if (mode is { } m && !OperatingSystem.IsWindows()) options.UnixCreateMode = m;
            using var stream = new FileStream(temp, options);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void Rename(string temp, string path)
    {
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>fsync(2) of a folder: makes the names created, renamed or removed in it durable.</summary>
    public static void SyncDirectory(string folder)
    {
        // Windows has no such call (NTFS journals renames itself); .NET cannot open a folder as a file, hence libc.
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(folder, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"Cannot open {folder} to sync it: {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"Cannot sync {folder}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
