using System.Globalization;
using FeedService.Api;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FeedService.WebSub.Hub;

/// <summary>POST /websub: subscription requests (WebSub §5.1). Valid ones get 202 at once; verification follows in the background.</summary>
public static class HubEndpoint
{
    public const string Path = "/websub";

    private const string FormMediaType = "application/x-www-form-urlencoded";

    /// <summary>A subscription request is five short fields; nothing legitimate is bigger.</summary>
    private static readonly FormOptions FormLimits = new() { ValueCountLimit = 32, KeyLengthLimit = 64, ValueLengthLimit = 8 * 1024 };

    private const long MaxBodyBytes = 64 * 1024;

    public static RouteHandlerBuilder MapWebSubHubEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, HandleAsync)
            .WithTags("WebSub hub")
            .WithSummary("Subscribe to or unsubscribe from one of this site's feeds (W3C WebSub)")
            .Accepts<IFormCollection>(FormMediaType)
            .Produces(202).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429).ProducesProblem(503)
            .RequireRateLimiting(HubRateLimit.Policy);

    private static async Task<IResult> HandleAsync(HttpRequest request, HubTopics topics, SubscriptionStore subscriptions, CallbackAddresses addresses,
        IntentVerifier verifier, IOptions<WebSubOptions> options, TimeProvider clock, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals(FormMediaType, StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem($"Send the hub.* parameters as {FormMediaType}.", statusCode: 415, title: "Unsupported media type");
        if (request.ContentLength > MaxBodyBytes)
            return TypedResults.Problem($"A subscription request is at most {MaxBodyBytes} bytes.", statusCode: 413, title: "Request too large");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(FormLimits, ct);
        }
        catch (InvalidDataException e)
        {
            return Problems.Invalid("body", $"Unreadable form: {e.Message}");
        }

        var (intent, invalid) = IntentRequest.Read(form, topics, options.Value);
        if (invalid is not null) return invalid;
        var callback = intent!.Callback.AbsoluteUri;
        if (intent.Mode == HubMode.Subscribe && !topics.Exists(intent.File))
            return Problems.NotFound($"There is no feed at {intent.Topic} (no such category, or its feeds are not rendered yet).");
        if (await addresses.RefusalAsync(intent.Callback, ct) is { } refusal) return Problems.Invalid("hub.callback", refusal);
        if (intent.Mode == HubMode.Unsubscribe && await subscriptions.GetAsync(intent.Topic, callback, ct) is null)
            return Problems.NotFound($"{callback} is not subscribed to {intent.Topic}.");

        if (intent.Mode == HubMode.Subscribe) await subscriptions.AddPendingAsync(intent.Topic, callback, intent.LeaseSeconds, clock.GetUtcNow(), ct);
        if (!verifier.TryQueue(intent))
        {
            if (intent.Mode == HubMode.Subscribe) await subscriptions.RemovePendingAsync(intent.Topic, callback, ct);
            request.HttpContext.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem($"More than {IntentVerifier.MaxWaiting.ToString(CultureInfo.InvariantCulture)} requests are waiting for verification; ask again later.",
                statusCode: 503, title: "Busy");
        }
        return TypedResults.Accepted((string?)null);
    }
}
