using FeedService.Aggregation;
using Xunit;

namespace FeedService.Tests.Aggregation.Sources;

public sealed class NextPollTests
{
    private static readonly AggregationOptions Options = new()
    {
        MinPollInterval = TimeSpan.FromMinutes(5), MaxPollInterval = TimeSpan.FromHours(24), DefaultPollInterval = TimeSpan.FromMinutes(30),
    };
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan HalfHour = TimeSpan.FromMinutes(30);

    [Fact]
    public void Success_takes_the_largest_hint()
    {
        Assert.Equal(HalfHour, NextPoll.AfterSuccess(HalfHour, null, null, null, null, Now, Options));
        Assert.Equal(TimeSpan.FromHours(1), NextPoll.AfterSuccess(HalfHour, TimeSpan.FromHours(1), null, null, null, Now, Options));
        Assert.Equal(TimeSpan.FromHours(2), NextPoll.AfterSuccess(HalfHour, TimeSpan.FromHours(1), TimeSpan.FromHours(2), null, null, Now, Options));
        Assert.Equal(TimeSpan.FromHours(3), NextPoll.AfterSuccess(HalfHour, null, null, Now.AddHours(3), null, Now, Options));
        Assert.Equal(TimeSpan.FromHours(4), NextPoll.AfterSuccess(HalfHour, null, TimeSpan.FromMinutes(1), null, TimeSpan.FromHours(4), Now, Options));
    }

    [Fact]
    public void Success_stays_within_floor_and_ceiling()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), NextPoll.AfterSuccess(TimeSpan.FromSeconds(10), null, null, null, null, Now, Options));
        Assert.Equal(TimeSpan.FromHours(24), NextPoll.AfterSuccess(HalfHour, TimeSpan.FromDays(30), null, null, null, Now, Options));
    }

    [Fact]
    public void Failures_back_off_exponentially_with_jitter_up_to_the_ceiling()
    {
        Assert.Equal(TimeSpan.FromMinutes(30), NextPoll.AfterFailure(HalfHour, 1, null, 0.5, Options));
        Assert.Equal(TimeSpan.FromMinutes(60), NextPoll.AfterFailure(HalfHour, 2, null, 0.5, Options));
        Assert.Equal(TimeSpan.FromMinutes(120), NextPoll.AfterFailure(HalfHour, 3, null, 0.5, Options));
        Assert.Equal(TimeSpan.FromMinutes(24), NextPoll.AfterFailure(HalfHour, 1, null, 0.0, Options));
        Assert.Equal(TimeSpan.FromMinutes(36), NextPoll.AfterFailure(HalfHour, 1, null, 1.0, Options));
        Assert.Equal(TimeSpan.FromHours(24), NextPoll.AfterFailure(HalfHour, 40, null, 0.5, Options));
    }

    [Fact]
    public void Retry_after_is_respected_on_failure() =>
        Assert.Equal(TimeSpan.FromHours(6), NextPoll.AfterFailure(HalfHour, 1, TimeSpan.FromHours(6), 0.5, Options));
}
