using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Manager;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

public sealed class RestartBudgetTests
{
    private static readonly RestartSettings Defaults = new(); // 5 in 5 min, 10 s doubling up to 5 min
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private RestartBudget Budget(RestartSettings? settings = null) => new(settings ?? Defaults, _time);

    [Fact]
    public void Restarts_up_to_max_restarts_in_the_window_do_not_wait()
    {
        var budget = Budget();

        for (var i = 1; i <= Defaults.MaxRestarts; i++)
        {
            var delay = budget.Record(RestartCause.Isolated);
            Assert.False(delay.BacksOff, $"restart {i}");
            Assert.Equal(i, delay.InWindow);
            _time.Advance(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public void Each_restart_beyond_max_restarts_waits_twice_as_long_up_to_max_backoff()
    {
        var budget = Budget();
        for (var i = 0; i < Defaults.MaxRestarts; i++)
        {
            budget.Record(RestartCause.Quarantined);
        }

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 7; i++)
        {
            var delay = budget.Record(RestartCause.Quarantined);
            waits.Add(delay.Wait);
            _time.Advance(delay.Wait); // the next incarnation ends at once
        }

        Assert.Equal(new[] { 10, 20, 40, 80, 160, 300, 300 }.Select(s => TimeSpan.FromSeconds(s)), waits);
    }

    [Fact]
    public void Restarts_older_than_the_window_no_longer_count()
    {
        var budget = Budget();
        for (var i = 0; i < Defaults.MaxRestarts; i++)
        {
            budget.Record(RestartCause.JoinTimedOut);
            _time.Advance(TimeSpan.FromSeconds(50));
        }

        // The first restart is now 250 s old; 51 s more and it left the 5 min window.
        _time.Advance(TimeSpan.FromSeconds(51));
        var delay = budget.Record(RestartCause.JoinTimedOut);

        Assert.False(delay.BacksOff);
        Assert.Equal(Defaults.MaxRestarts, delay.InWindow);
    }

    [Fact]
    public void The_backoff_starts_over_once_an_incarnation_ran_a_whole_window()
    {
        var budget = Budget();
        for (var i = 0; i < Defaults.MaxRestarts + 3; i++)
        {
            _time.Advance(budget.Record(RestartCause.Isolated).Wait);
        }

        // The incarnation after the 40 s wait runs a whole window, then ends again: a fresh budget.
        _time.Advance(Defaults.Window);
        for (var i = 0; i < Defaults.MaxRestarts; i++)
        {
            Assert.False(budget.Record(RestartCause.Isolated).BacksOff);
        }

        Assert.Equal(TimeSpan.FromSeconds(10), budget.Record(RestartCause.Isolated).Wait);
    }

    [Fact]
    public void The_wait_itself_does_not_make_the_window_clean()
    {
        var settings = Defaults with { MaxBackoff = Defaults.Window };
        var budget = Budget(settings);
        TimeSpan wait = default;
        for (var i = 0; i < settings.MaxRestarts + 6; i++)
        {
            wait = budget.Record(RestartCause.Isolated).Wait;
            _time.Advance(wait);
        }

        Assert.Equal(settings.Window, wait);
        // The incarnation after a window-long wait fails at once: still backing off at the cap.
        Assert.Equal(settings.Window, budget.Record(RestartCause.Isolated).Wait);
    }

    [Fact]
    public void Once_backing_off_a_restart_waits_even_when_the_window_holds_fewer_than_max_restarts()
    {
        var budget = Budget();
        for (var i = 0; i < Defaults.MaxRestarts + 1; i++)
        {
            budget.Record(RestartCause.Isolated);
        }

        // After the 10 s wait the next incarnation runs 4 min 50 s: the burst left the window, but
        // no incarnation ran a whole one.
        _time.Advance(TimeSpan.FromSeconds(10) + TimeSpan.FromSeconds(290));
        var delay = budget.Record(RestartCause.Isolated);

        Assert.Equal(1, delay.InWindow);
        Assert.Equal(TimeSpan.FromSeconds(20), delay.Wait);
    }

    [Fact]
    public void Max_restarts_zero_backs_off_every_restart()
    {
        var budget = Budget(Defaults with { MaxRestarts = 0 });

        Assert.Equal(TimeSpan.FromSeconds(10), budget.Record(RestartCause.Downed).Wait);
    }

    [Fact]
    public void History_counts_every_restart_with_the_last_cause_and_time()
    {
        var budget = Budget();
        Assert.Equal(RestartHistory.None, budget.History);

        budget.Record(RestartCause.JoinTimedOut);
        _time.Advance(TimeSpan.FromMinutes(30));
        var delay = budget.Record(RestartCause.Downed);

        Assert.Equal(new RestartHistory(2, RestartCause.Downed, _time.GetUtcNow()), budget.History);
        Assert.Equal(budget.History, delay.History);
        Assert.Equal(1, delay.InWindow);
    }

    [Fact]
    public void Describe_says_how_long_why_and_the_count_in_one_line()
    {
        var budget = Budget();
        RestartDelay delay = null!;
        for (var i = 0; i < Defaults.MaxRestarts + 2; i++)
        {
            delay = budget.Record(RestartCause.Quarantined);
        }

        var line = budget.Describe(delay);

        Assert.Equal("backing off 20s before the next incarnation: 7 restarts within 5m (solidb.restart.max-restarts = 5), " +
                     "7 since the process started; the last one: quarantined by a peer", line);
    }
}
