using FeedService.Site;
using Microsoft.Extensions.Options;

namespace FeedService.WebSub;

/// <summary>The hubs our feeds advertise: the configured external hubs, else the built-in one (if it runs), else none.</summary>
public sealed class HubLinks
{
    public HubLinks(IOptions<WebSubOptions> websub, IOptions<SiteOptions> site)
    {
        External = websub.Value.Hubs.Select(h => new Uri(h).AbsoluteUri).ToList();
        Advertised = External.Count > 0 ? External
            : websub.Value.BuiltInHub ? [site.Value.Url("websub")]
            : [];
    }

    public IReadOnlyList<string> External { get; }

    public IReadOnlyList<string> Advertised { get; }
}
