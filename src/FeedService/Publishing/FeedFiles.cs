using System.Buffers;
using System.IO.Compression;
using FeedService.Options;
using FeedService.Storage;
using Microsoft.Extensions.Options;

namespace FeedService.Publishing;

/// <summary>
/// The feeds/ folder: every current document beside its precompressed .gz and .br copies (archive pages are rendered
/// when asked for, see <see cref="ArchiveIndex"/>). Files are replaced
/// durably (<see cref="DurableFile"/>: temp file, synced, renamed, folder synced), and only when their bytes change,
/// so a reader never sees half a file and an unchanged feed keeps its ETag and Last-Modified.
/// </summary>
public sealed class FeedFiles
{
    public static readonly string[] Extensions = ["rss", "atom", "json"];

    public FeedFiles(IOptions<FeedsOptions> options, IHostEnvironment env)
    {
        Folder = Path.GetFullPath(Path.Combine(env.ContentRootPath, options.Value.OutputPath));
        DurableFile.CreateDirectory(Folder);
    }

    public string Folder { get; }

    /// <summary>Raised after a document and its compressed copies were replaced or removed.</summary>
    public event Action<string>? Changed;

    /// <summary>The full path of a feed file given relative to the folder ("tech.rss", "archive/tech/3.atom").</summary>
    public string PathOf(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>Writes the document and its compressed copies if its bytes differ from what is there; true when it did.</summary>
    public bool WriteIfChanged(string fileName, byte[] bytes) => WriteIfChanged(fileName, bytes.AsSpan());

    /// <summary>Writes the document and its compressed copies if its bytes differ from what is there; true when it did.</summary>
    public bool WriteIfChanged(string fileName, ReadOnlySpan<byte> bytes)
    {
        var path = PathOf(fileName);
        DurableFile.CreateDirectory(Path.GetDirectoryName(path)!);
        if (SameBytes(path, bytes) && CompleteSet(path)) return false;
        // Compressed copies first, the document last: whoever watches the document sees a complete set. Each is synced to
        // disk before the renames, so a power cut leaves every file of the set old or new, whole.
        DurableFile.WriteAll([(path + ".gz", Gzip(bytes).ToArray()), (path + ".br", Brotli(bytes).ToArray()), (path, bytes.ToArray())]);
        Changed?.Invoke(fileName);
        return true;
    }

    /// <summary>The gzip (level 6) encoding of a document, as the .gz copies hold it.</summary>
    public static byte[] GzipOf(ReadOnlySpan<byte> bytes) => Gzip(bytes).ToArray();

    /// <summary>The brotli (quality 5) encoding of a document, as the .br copies hold it.</summary>
    public static byte[] BrotliOf(ReadOnlySpan<byte> bytes) => Brotli(bytes).ToArray();

    public bool Delete(string fileName)
    {
        var path = PathOf(fileName);
        var existed = File.Exists(path);
        DurableFile.DeleteAll([path + ".gz", path + ".br", path]);
        if (existed) Changed?.Invoke(fileName);
        return existed;
    }

    /// <summary>Removes a feed's current documents (a deleted category's).</summary>
    public List<string> DeleteFeed(string slug) => Extensions.Select(ext => $"{slug}.{ext}").Where(Delete).ToList();

    /// <summary>
    /// Removes feeds/archive/, where earlier versions wrote every archive page: pages are now rendered when asked for,
    /// and files left there would be served by a static server in front of the folder long after they went stale.
    /// </summary>
    public void RemoveArchiveFolder()
    {
        var archive = PathOf("archive");
        if (Directory.Exists(archive)) Directory.Delete(archive, recursive: true);
    }

    /// <summary>The slugs that have a document on disk.</summary>
    public IEnumerable<string> Slugs() =>
        Directory.EnumerateFiles(Folder)
            .Select(Path.GetFileName)
            .Select(name => name!.Split('.'))
            .Where(parts => parts.Length == 2 && Extensions.Contains(parts[1]))
            .Select(parts => parts[0])
            .Distinct();

    /// <summary>Temp files left by a process that died mid-write: never served, safe to remove.</summary>
    public void RemoveLeftoverTempFiles()
    {
        foreach (var temp in Directory.EnumerateFiles(Folder, "." + "*" + DurableFile.TempSuffix, SearchOption.AllDirectories)) File.Delete(temp);
    }

    /// <summary>
    /// Whether the compressed copies exist and were written no later than the document. A set is written copies first,
    /// document last, so copies newer than their document mean a process died between them (a crash mid-set): the
    /// copies hold newer bytes than the document, and the set must be written again even if the document is current.
    /// </summary>
    private static bool CompleteSet(string path)
    {
        var document = File.GetLastWriteTimeUtc(path);
        foreach (var copy in (ReadOnlySpan<string>)[path + ".gz", path + ".br"])
        {
            var info = new FileInfo(copy);
            if (!info.Exists || info.LastWriteTimeUtc > document) return false;
        }
        return true;
    }

    private static bool SameBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.Length != bytes.Length) return false;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            var offset = 0;
            int read;
            while ((read = file.Read(buffer)) > 0)
            {
                if (offset + read > bytes.Length || !bytes.Slice(offset, read).SequenceEqual(buffer.AsSpan(0, read))) return false;
                offset += read;
            }
            return offset == bytes.Length;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The levels trade a little size for a lot of time. On a 130 KB feed document: gzip level 6 takes ~2 ms and is as small
    // as level 9 (~9 ms); brotli quality 5 takes ~2 ms and is ~15% bigger than quality 11, which takes ~330 ms.
    private static readonly ZLibCompressionOptions GzipOptions = new() { CompressionLevel = 6 };
    private const int BrotliQuality = 5;
    private const int BrotliWindow = 22;

    // Compressed copies are built in a buffer per thread and written from there (no garbage per document).
    [ThreadStatic] private static MemoryStream? t_compressed;

    private static ReadOnlySpan<byte> Gzip(ReadOnlySpan<byte> bytes)
    {
        var output = CompressionBuffer();
        using (var gzip = new GZipStream(output, GzipOptions, leaveOpen: true)) gzip.Write(bytes);
        return output.GetBuffer().AsSpan(0, (int)output.Length);
    }

    private static ReadOnlySpan<byte> Brotli(ReadOnlySpan<byte> bytes)
    {
        // One shot with the input's size known: the encoder sizes its window and tables to the document instead of
        // allocating the full 4 MB window (and its hash tables) per document and per thread.
        var output = CompressionBuffer();
        output.SetLength(BrotliEncoder.GetMaxCompressedLength(bytes.Length));
        if (!BrotliEncoder.TryCompress(bytes, output.GetBuffer().AsSpan(0, (int)output.Length), out var written, BrotliQuality, BrotliWindow))
            throw new InvalidOperationException("brotli compression failed");
        return output.GetBuffer().AsSpan(0, written);
    }

    private static MemoryStream CompressionBuffer()
    {
        var buffer = t_compressed ??= new MemoryStream(128 * 1024);
        buffer.SetLength(0);
        return buffer;
    }
}
