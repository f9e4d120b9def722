namespace FeedService.Tests.Infrastructure;

public static class TempFolder
{
    public static string Create() => Directory.CreateTempSubdirectory("feedservice-test-").FullName;
}
