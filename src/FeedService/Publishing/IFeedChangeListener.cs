namespace FeedService.Publishing;

/// <summary>
/// Told, after a regeneration run, which current feed documents changed their bytes ("tech.atom", "all.json"; never
/// archive pages), once the new files are on disk. Implementations must return at once and do their work in the
/// background: regeneration never waits for pushes.
/// </summary>
public interface IFeedChangeListener
{
    void FeedsChanged(IReadOnlyList<string> files);
}
