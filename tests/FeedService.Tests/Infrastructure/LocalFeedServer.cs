using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FeedService.Tests.Infrastructure;

/// <summary>A request as <see cref="LocalFeedServer"/> received it. Header names are case-insensitive; repeated headers are joined with ", ".</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The header's raw value as sent, or null when absent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real HTTP server (Kestrel, in process) on 127.0.0.1 and a free port, for tests that need the network: what each
/// path serves can be changed at any time (so a polling test can change a feed between polls), every request is
/// recorded, and the highest number of requests in flight at once is kept.
/// </summary>
/// <example>
/// <code>
/// await using var server = await LocalFeedServer.StartAsync();
/// server.MapFeed("/feed.xml", "&lt;rss .../&gt;", etag: "\"v1\"");
/// var url = server.Url("/feed.xml");                  // http://127.0.0.1:{port}/feed.xml
/// ... poll ...
/// Assert.Equal("\"v1\"", server.RequestsTo("/feed.xml")[1].Header("If-None-Match"));
/// </code>
/// </example>
/// <remarks>
/// Unmapped paths answer 404. Handlers that wait should honour <see cref="HttpContext.RequestAborted"/> and still be
/// bounded in time; disposal gives in-flight requests two seconds before connections are cut. Kestrel's minimum data
/// rates are off, so a deliberately slow handler is limited only by the test.
/// </remarks>
public sealed class LocalFeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RequestDelegate> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Lock _concurrencyLock = new();
    private int _inFlight;
    private int _maxInFlight;

    private LocalFeedServer(WebApplication app) => _app = app;

    /// <summary>Root of the server, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public int Port => BaseUrl.Port;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Requests currently being handled.</summary>
    public int ConcurrentRequests => Volatile.Read(ref _inFlight);

    /// <summary>The most requests that were being handled at the same moment.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxInFlight);

    /// <summary>Starts the server; with <paramref name="https"/>, over TLS with a fresh self-signed certificate that no client trusts.</summary>
    public static async Task<LocalFeedServer> StartAsync(bool https = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Independent of appsettings.json and ASPNETCORE_* variables: the server is exactly what is configured here.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (https) listen.UseHttps(SelfSignedCertificate());
            });
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
        });
        var app = builder.Build();
        var server = new LocalFeedServer(app);
        // Cast: WebApplication.Run(string) would start the app; this is the terminal-middleware Run.
        ((IApplicationBuilder)app).Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>An absolute URL on this server; <paramref name="pathAndQuery"/> may be "/feed.xml" or "feed.xml?x=1".</summary>
    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery.TrimStart('/'));

    /// <summary>Serves <paramref name="path"/> (exact, case-sensitive, query ignored) with <paramref name="handler"/>, replacing any earlier handler.</summary>
    public void Map(string path, RequestDelegate handler) => _handlers[path] = handler;

    /// <summary>Serves a fixed response: status, headers and (unless null) a body with its Content-Type and Content-Length.</summary>
    public void MapResponse(string path, int status, byte[]? body = null, string? contentType = null, params (string Name, string Value)[] headers) =>
        Map(path, context => WriteAsync(context, status, body, contentType, headers));

    /// <summary>Serves a fixed UTF-8 text body with status 200 (or <paramref name="status"/>).</summary>
    public void MapText(string path, string body, string contentType = "application/rss+xml; charset=utf-8", int status = 200, params (string Name, string Value)[] headers) =>
        MapResponse(path, status, Encoding.UTF8.GetBytes(body), contentType, headers);

    /// <summary>Serves a bare status, e.g. 410, or 429 with ("Retry-After", "120").</summary>
    public void MapStatus(string path, int status, params (string Name, string Value)[] headers) =>
        MapResponse(path, status, null, null, headers);

    /// <summary>Redirects <paramref name="path"/> to <paramref name="location"/> (sent as given, so it may be relative) with 301, 302, 303, 307 or 308.</summary>
    public void MapRedirect(string path, int status, string location) =>
        MapStatus(path, status, ("Location", location));

    /// <summary>
    /// Serves a feed like a well-behaved origin: 200 with the validators, or 304 when the request's If-None-Match or
    /// If-Modified-Since equals one of them exactly. Call again with new content to "publish".
    /// </summary>
    public void MapFeed(string path, string body, string? etag = null, string? lastModified = null, string contentType = "application/rss+xml; charset=utf-8")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var validators = new List<(string, string)>();
        if (etag is not null) validators.Add(("ETag", etag));
        if (lastModified is not null) validators.Add(("Last-Modified", lastModified));
        Map(path, context =>
        {
            var request = context.Request.Headers;
            var unchanged = (etag is not null && request.IfNoneMatch == etag)
                || (etag is null && lastModified is not null && request.IfModifiedSince == lastModified);
            return unchanged
                ? WriteAsync(context, 304, null, null, [.. validators])
                : WriteAsync(context, 200, bytes, contentType, [.. validators]);
        });
    }

    /// <summary>Requests to <paramref name="path"/> (query ignored), in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => [.. _requests.Where(r => r.Path == path)];

    public static async Task WriteAsync(HttpContext context, int status, byte[]? body, string? contentType, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers) context.Response.Headers.Append(name, value);
        if (body is null) return;
        if (contentType is not null) context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.Now.AddDays(-1), DateTimeOffset.Now.AddDays(1));
        // Round-tripped through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new RecordedRequest(request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", headers));
        lock (_concurrencyLock)
        {
            _inFlight++;
            _maxInFlight = Math.Max(_maxInFlight, _inFlight);
        }
        try
        {
            if (_handlers.TryGetValue(request.Path.Value ?? "", out var handler)) await handler(context);
            else context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
        finally
        {
            lock (_concurrencyLock) _inFlight--;
        }
    }
}
