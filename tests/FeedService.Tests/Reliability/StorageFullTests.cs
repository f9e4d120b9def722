using System.Net;
using System.Text.Json;
using FeedService.Api;
using FeedService.Tests.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FeedService.Tests.Reliability;

/// <summary>A write that fails because the disk is full answers 503 problem+json (tests/reliability/disk.sh does it for real on a full tmpfs).</summary>
public sealed class StorageFullTests() : AppTestBase(new FeedServiceApp())
{
    [Fact]
    public void Disk_full_errors_are_recognised_and_others_are_not()
    {
        Assert.True(StorageFullHandler.IsStorageFull(new SqliteException("database or disk is full", 13)));
        Assert.True(StorageFullHandler.IsStorageFull(new IOException("No space left on device", 28)));
        Assert.True(StorageFullHandler.IsStorageFull(new InvalidOperationException("wrapped", new SqliteException("database or disk is full", 13))));
        Assert.True(StorageFullHandler.IsStorageFull(new AggregateException(new IOException("No space left on device", 28))));
        Assert.False(StorageFullHandler.IsStorageFull(new SqliteException("constraint failed", 19)));
        Assert.False(StorageFullHandler.IsStorageFull(new IOException("Broken pipe", 32)));
        Assert.False(StorageFullHandler.IsStorageFull(new InvalidOperationException("bug")));
    }

    [Fact]
    public async Task The_handler_answers_503_problem_json_with_retry_after()
    {
        _ = App.CreateClient();
        await using var scope = App.Services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetServices<IExceptionHandler>().OfType<StorageFullHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "POST";
        context.Request.Path = "/api/posts";
        context.Response.Body = new MemoryStream();

        Assert.True(await handler.TryHandleAsync(context, new SqliteException("database or disk is full", 13), CancellationToken.None));
        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("60", context.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        context.Response.Body.Position = 0;
        var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("disk is full", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var other = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        Assert.False(await handler.TryHandleAsync(other, new InvalidOperationException("bug"), CancellationToken.None));
    }
}
