// The least an ASP.NET Core app can do per request: Kestrel (same settings as the app: no Server header, no logging)
// answering every request with the 304 and the headers FeedService sends on its 304. serve.sh measures it beside the
// app and nginx, so the gap between the app's 304 and nginx's can be split into the app's share and Kestrel's.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
var app = builder.Build();
app.Run(context =>
{
    var headers = context.Response.Headers;
    headers.AccessControlAllowOrigin = "*";
    headers.CacheControl = "public, max-age=300";
    headers.Vary = "Accept-Encoding";
    headers.AccessControlExposeHeaders = "ETag, Last-Modified, Link";
    headers.ETag = "\"0123456789abcdefghijklmn\"";
    context.Response.StatusCode = StatusCodes.Status304NotModified;
    return Task.CompletedTask;
});
app.Run();
