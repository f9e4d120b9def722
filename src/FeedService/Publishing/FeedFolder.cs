using FeedService.Storage;
using Microsoft.Extensions.Options;

namespace FeedService.Publishing;

/// <summary>
/// The feeds/ folder, a static copy of the current documents that any static server or CDN can serve: each document
/// beside its precompressed .gz and .br. It is written from the <see cref="DocumentStore"/> in the background, never
/// read by the service. Files are replaced durably (<see cref="DurableFile"/>: temp file, synced, renamed, folder
/// synced), copies first and document last, and only when their bytes differ, so an unchanged feed keeps its mtime.
/// A write that fails (a full disk) is logged, reported by /healthz, and retried until it succeeds. Workers keep the
/// folder (each its own, current with every node's publications); a Web-only node writes none.
/// </summary>
public sealed class FeedFolder : BackgroundService, IDocumentListener
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);

    private readonly DocumentStore _documents;
    private readonly ArchiveIndex _firstRun;
    private readonly ILogger<FeedFolder> _logger;
    private readonly bool _kept;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private volatile string? _error;
    private int _writing;
    private volatile bool _caughtUp;
    // The store's generation as of the last change it told us about: a newer one means a change is on its way here.
    private long _toldGeneration;

    public FeedFolder(DocumentStore documents, ArchiveIndex firstRun, Cluster.Node node, IOptions<FeedsOptions> options, IHostEnvironment env,
        ILogger<FeedFolder> logger)
    {
        _kept = node.IsWorker;
        _documents = documents;
        _firstRun = firstRun;
        _logger = logger;
        Folder = Path.GetFullPath(Path.Combine(env.ContentRootPath, options.Value.OutputPath));
    }

    public string Folder { get; }

    /// <summary>Why the folder is behind the documents now (the last write failed), or null when it is current.</summary>
    public string? Error => _error;

    /// <summary>Documents still to be written or removed.</summary>
    public int Pending
    {
        get
        {
            lock (_lock) return _pending.Count;
        }
    }

    /// <summary>Whether every file is what the store holds: compared since start-up, nothing pending or being written, no failure.</summary>
    public bool IsCurrent
    {
        get
        {
            lock (_lock)
                return _caughtUp && _pending.Count == 0 && _writing == 0 && _error is null && _toldGeneration == _documents.Generation;
        }
    }

    public void DocumentsChanged(IReadOnlyList<DocumentChange> changes, bool renderedHere)
    {
        if (!_kept) return;
        lock (_lock)
        {
            foreach (var change in changes) _pending.Add(change.Name);
            _toldGeneration = _documents.Generation;
        }
        _signal.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_kept)
        {
            _caughtUp = true;
            return;
        }
        // The folder is compared with the store once the first run after start-up has published: before it, a store
        // that was never filled (the first start of this version) would make every file look like a deleted feed's.
        try
        {
            await _firstRun.Ready.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var delay = FirstRetry;
        var startUp = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (startUp) CatchUp();
                startUp = false;
                Sync();
                _caughtUp = true;
                if (_error is not null) _logger.LogInformation("The feeds folder {Folder} is current again", Folder);
                _error = null;
                delay = FirstRetry;
                await _signal.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Serving and pushes go on from the store; only the static copy is behind.
                _error = $"feeds/ could not be written: {e.Message}";
                _logger.LogError(e, "Writing the feeds folder {Folder} failed; retrying in {Delay}", Folder, delay);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = delay * 2 < LastRetry ? delay * 2 : LastRetry;
            }
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// At start-up every document is compared with its file (a previous process may have died before writing them), and
    /// files left by what no longer exists go: deleted categories' feeds, temp files, and feeds/archive/, where earlier
    /// versions wrote every archive page (a static server in front of the folder would serve them long after they went stale).
    /// </summary>
    private void CatchUp()
    {
        DurableFile.CreateDirectory(Folder);
        var archive = Path.Combine(Folder, "archive");
        if (Directory.Exists(archive)) Directory.Delete(archive, recursive: true);
        foreach (var path in Directory.EnumerateFiles(Folder))
        {
            var file = Path.GetFileName(path);
            if (DurableFile.IsTempName(file)) File.Delete(path);
        }
        var onDisk = Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Where(f => DocumentNames.IsCurrent(f!));
        lock (_lock)
        {
            _pending.UnionWith(_documents.All.Select(d => d.Name));
            _pending.UnionWith(onDisk!);
        }
    }

    private void Sync()
    {
        // Taken out before writing: a change that arrives meanwhile is pending again, and written in the next round.
        string[] names;
        lock (_lock)
        {
            names = [.. _pending];
            _pending.Clear();
            _writing = names.Length;
        }
        for (var i = 0; i < names.Length; i++)
        {
            try
            {
                Write(names[i]);
                lock (_lock) _writing--;
            }
            catch
            {
                lock (_lock)
                {
                    _pending.UnionWith(names[i..]);
                    _writing = 0;
                }
                throw;
            }
        }
    }

    /// <summary>Makes the document's files what the store holds now (whatever the change that queued it said).</summary>
    private void Write(string name)
    {
        var path = Path.Combine(Folder, name);
        if (_documents.Get(name) is not { } document)
        {
            DurableFile.DeleteAll([path, path + ".gz", path + ".br"]);
            return;
        }
        if (!SameBytes(path, document.Body) || !SameBytes(path + ".gz", document.Gzip) || !SameBytes(path + ".br", document.Brotli))
            DurableFile.WriteAll([(path + ".gz", document.Gzip), (path + ".br", document.Brotli), (path, document.Body)]);
    }

    private static bool SameBytes(string path, byte[] bytes)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists && info.Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }
}
