using System.Text;
using FeedService.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FeedService.WebSub.Hub;

public enum HubMode
{
    Subscribe,
    Unsubscribe,
}

/// <summary>A valid subscription request (WebSub §5.1), waiting for its verification of intent.</summary>
/// <param name="Topic">The topic in normal form, as stored and sent in deliveries' rel="self".</param>
/// <param name="File">The topic's feed file, "tech.atom".</param>
/// <param name="LeaseSeconds">The lease granted (subscribe only): the one asked for, within the hub's bounds.</param>
/// <param name="RequestedTopic">hub.topic exactly as the subscriber sent it: the verification names it so (§5.3).</param>
public sealed record IntentRequest(HubMode Mode, string Topic, string File, Uri Callback, int LeaseSeconds, string? Secret, string RequestedTopic)
{
    public string ModeName => Mode == HubMode.Subscribe ? "subscribe" : "unsubscribe";

    /// <summary>Requests for the same subscription are verified one after the other, in the order they came.</summary>
    public (string Topic, string Callback) Key => (Topic, Callback.AbsoluteUri);

    /// <summary>
    /// Reads hub.mode, hub.topic, hub.callback, hub.lease_seconds and hub.secret. Every problem is named against its
    /// parameter; the caller still checks that the topic's document exists and where the callback leads.
    /// </summary>
    public static (IntentRequest? Request, ValidationProblem? Error) Read(IFormCollection form, HubTopics topics, WebSubOptions options)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? Single(string name)
        {
            var values = form[name];
            if (values.Count > 1) errors[name] = [$"{name} was given {values.Count} times; send it once."];
            return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
        }

        var modeText = Single("hub.mode");
        HubMode? mode = modeText switch
        {
            "subscribe" => HubMode.Subscribe,
            "unsubscribe" => HubMode.Unsubscribe,
            _ => null,
        };
        if (mode is null && !errors.ContainsKey("hub.mode")) errors["hub.mode"] = ["hub.mode must be 'subscribe' or 'unsubscribe'."];

        var topic = Single("hub.topic");
        var file = topic is null ? null : topics.FileOf(topic);
        if (file is null && !errors.ContainsKey("hub.topic"))
            errors["hub.topic"] = [topic is null
                ? "hub.topic is required: the URL of one of this site's feeds."
                : $"This hub distributes this site's feeds only: {topics.TopicPattern}, where slug is a category or 'all'."];

        var callbackText = Single("hub.callback");
        var callback = ReadCallback(callbackText, errors);

        var lease = options.DefaultLeaseSeconds;
        if (Single("hub.lease_seconds") is { } leaseText)
        {
            if (long.TryParse(leaseText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asked) && asked > 0)
                lease = (int)Math.Clamp(asked, MinLeaseSeconds, options.MaxLeaseSeconds);
            else errors["hub.lease_seconds"] = ["hub.lease_seconds must be a positive whole number of seconds."];
        }

        // Only a subscription carries a secret; on an unsubscribe it means nothing and is ignored.
        var secret = mode == HubMode.Subscribe ? Single("hub.secret") : null;
        if (secret is not null && Encoding.UTF8.GetByteCount(secret) >= MaxSecretBytes)
            errors["hub.secret"] = [$"hub.secret must be less than {MaxSecretBytes} bytes (WebSub §5.1)."];

        if (errors.Count > 0) return (null, Problems.Invalid(errors));
        return (new IntentRequest(mode!.Value, topics.TopicOf(file!), file!, callback!, lease, secret, topic!), null);
    }

    /// <summary>Shortest lease granted, whatever is asked: a shorter one is more renewal traffic than subscription.</summary>
    public const int MinLeaseSeconds = 60;

    public const int MaxSecretBytes = 200;

    public const int MaxCallbackLength = 2048;

    private static Uri? ReadCallback(string? text, Dictionary<string, string[]> errors)
    {
        if (errors.ContainsKey("hub.callback")) return null;
        string? problem = null;
        Uri? uri = null;
        if (text is null) problem = "hub.callback is required: the absolute http(s) URL that receives the verification and the content.";
        else if (text.Length > MaxCallbackLength) problem = $"hub.callback is longer than {MaxCallbackLength} characters.";
        else if (!Uri.TryCreate(text, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            problem = "hub.callback must be an absolute http or https URL.";
        else if (uri.Fragment.Length > 0) problem = "hub.callback must not have a fragment (#…): it is never sent to the server.";
        if (problem is null) return uri;
        errors["hub.callback"] = [problem];
        return null;
    }
}
