using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

public sealed class FencingTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");

    private static FencingToken Token(long term, NodeId? leader = null) =>
        new(term, leader ?? A, new HlcTimestamp((ulong)(1_000 + term), 0));

    [Fact]
    public void A_new_guard_accepts_any_token_and_remembers_its_term()
    {
        var guard = new FencingGuard();
        Assert.Equal(0, guard.NewestTerm);

        guard.Check(Token(3));

        Assert.Equal(3, guard.NewestTerm);
    }

    [Fact]
    public void Tokens_of_the_same_or_a_newer_term_are_accepted()
    {
        var guard = new FencingGuard();
        guard.Check(Token(3));

        guard.Check(Token(3));
        guard.Check(Token(3, B)); // the guard compares terms only
        Assert.Equal(3, guard.NewestTerm);

        guard.Check(Token(4));
        guard.Check(Token(9));
        Assert.Equal(9, guard.NewestTerm);
    }

    [Fact]
    public void A_token_of_an_older_term_is_refused_and_does_not_move_the_guard()
    {
        var guard = new FencingGuard();
        guard.Check(Token(5, B));
        var stale = Token(4);

        var e = Assert.Throws<StaleFencingTokenException>(() => guard.Check(stale));

        Assert.Same(stale, e.Presented);
        Assert.Equal(5, e.NewestTerm);
        Assert.Contains("term 4", e.Message);
        Assert.Contains("node-a", e.Message);
        Assert.Contains("term 5", e.Message);
        Assert.Equal(5, guard.NewestTerm);
        guard.Check(Token(5)); // still accepts the newest term
    }

    [Fact]
    public void IsAtLeast_compares_terms()
    {
        Assert.True(Token(3).IsAtLeast(Token(3, B)));
        Assert.True(Token(4).IsAtLeast(Token(3)));
        Assert.False(Token(2).IsAtLeast(Token(3)));
    }

    /// <summary>
    /// Two threads race rising terms through one guard. Whatever the interleaving: a token is
    /// refused only when a newer term was already accepted, after an accepted check the guard is at
    /// least that new, the guard never moves back, and it ends at the highest term presented.
    /// </summary>
    [Fact]
    public void Two_threads_checking_rising_terms_never_move_the_guard_back()
    {
        const int PerThread = 200_000;
        var guard = new FencingGuard();
        using var start = new Barrier(2);
        var problems = new List<string>[2];

        void Run(int thread)
        {
            var mine = problems[thread] = [];
            start.SignalAndWait();
            var lastSeen = 0L;
            for (var i = 1; i <= PerThread; i++)
            {
                var term = (2L * i) - thread; // thread 0: even terms, thread 1: odd terms
                try
                {
                    guard.Check(Token(term));
                    if (guard.NewestTerm < term)
                    {
                        mine.Add($"accepted term {term} but the guard is at {guard.NewestTerm}");
                    }
                }
                catch (StaleFencingTokenException e)
                {
                    if (e.NewestTerm <= term)
                    {
                        mine.Add($"refused term {term} although the newest term was {e.NewestTerm}");
                    }
                }

                var now = guard.NewestTerm;
                if (now < lastSeen)
                {
                    mine.Add($"the guard moved back from {lastSeen} to {now}");
                }

                lastSeen = now;
            }
        }

        var threads = new[] { new Thread(() => Run(0)), new Thread(() => Run(1)) };
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(problems[0].Concat(problems[1]).Take(5));
        Assert.Equal(2L * PerThread, guard.NewestTerm);
    }
}
