// The least an ASP.NET Core app can do per request: Kestrel (same settings as the app: no Server header, no logging)
// answering with the headers FeedService sends, from bytes in memory and no application code: a 304 to any request with
// If-None-Match, else a 200 with the document named by MINIMAL_BODY. serve.sh measures it beside the app and nginx for
// the 200 and 304 cases, so the gap between the app and nginx can be split into the app's share and Kestrel's.
var body = File.ReadAllBytes(Environment.GetEnvironmentVariable("MINIMAL_BODY")
    ?? throw new InvalidOperationException("MINIMAL_BODY must name the document to serve"));
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
var app = builder.Build();
app.Run(context =>
{
    var response = context.Response;
    var headers = response.Headers;
    headers.AccessControlAllowOrigin = "*";
    headers.CacheControl = "public, max-age=300";
    headers.Vary = "Accept-Encoding";
    headers.AccessControlExposeHeaders = "ETag, Last-Modified, Link";
    headers.ETag = "\"0123456789abcdefghijklmn\"";
    if (context.Request.Headers.IfNoneMatch.Count > 0)
    {
        response.StatusCode = StatusCodes.Status304NotModified;
        return Task.CompletedTask;
    }
    headers.LastModified = "Thu, 26 Nov 2026 17:00:00 GMT";
    headers.ContentType = "application/rss+xml; charset=utf-8";
    response.ContentLength = body.Length;
    var write = response.BodyWriter.WriteAsync(body);
    return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
});
app.Run();
