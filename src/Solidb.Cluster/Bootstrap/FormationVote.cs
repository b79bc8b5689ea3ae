using Solidb.Cluster.Election;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Bootstrap;

/// <summary>The timings of the formation vote.</summary>
/// <param name="QueryInterval">How often a node in no cluster asks its peers; answers count for 4 of them.</param>
/// <param name="Patience">How long a node waits for every configured node to answer before standing with a bare majority (seed-node-timeout).</param>
/// <param name="Lease">How long a promise binds its voter.</param>
/// <param name="RankDelay">Stagger between candidates by address rank (the lowest stands first).</param>
public sealed record FormationTiming(TimeSpan QueryInterval, TimeSpan Patience, TimeSpan Lease, TimeSpan RankDelay)
{
    public TimeSpan Freshness => 4 * QueryInterval;

    /// <summary>
    /// A candidate forms only this long after asking; a founder checks its cluster then. Half the
    /// lease: safety needs it shorter than the lease (a test seam may set it otherwise).
    /// </summary>
    public TimeSpan Window { get; init; } = Lease / 2;
}

/// <summary>What the node does next while it is in no cluster.</summary>
public enum FormationStep
{
    /// <summary>Nothing to do this tick; <see cref="FormationOutcome.Why"/> says what it waits for.</summary>
    Wait,

    /// <summary>A peer is in a cluster: join it (Akka's seed process does) and never form one.</summary>
    JoinExisting,

    /// <summary>This node promised itself <see cref="FormationOutcome.Round"/>: ask every peer for a promise now.</summary>
    Stand,

    /// <summary>The candidacy did not reach a majority before its deadline; it backs off.</summary>
    GiveUp,
}

public sealed record FormationOutcome(FormationStep Step, long Round, int Unjoined, int Needed, int Configured, string? Member, string Why);

/// <summary>A voter's answer to a candidate: granted only after the promise was persisted.</summary>
public sealed record FormationGrant(bool Granted, string Why);

/// <summary>
/// The formation vote (docs/election.md, "Formation"): any strict majority of the configured nodes
/// that are in no cluster forms exactly one. Voter side: one live promise at a time, persisted
/// before it is granted, live for the lease. Candidate side: stands only when a majority answered
/// that they are in no cluster and none is in one, takes round max(seen) + 1, promises itself
/// first, and forms only with a majority of promises for that round within half the lease of
/// asking. Founder (and joiner) side: a cluster that no majority of the configured nodes is Up in
/// within half a lease is abandoned, so that when the promises expire its nodes are in no cluster.
/// Pure and single-threaded: time, randomness and the store are injected.
/// </summary>
/// <remarks>Answers and grants are keyed by the configured peer's address (host:port), never by a claimed id.</remarks>
public sealed class FormationVote
{
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly IFormationPromiseStore _store;
    private readonly string _self;
    private readonly NodeId _selfId;
    private readonly FormationTiming _timing;
    private readonly bool _rejoinOnly;
    private readonly int _rank;
    private readonly long _started;
    private readonly Dictionary<string, Heard> _answers = new(StringComparer.Ordinal);
    private FormationPromise _promise;
    private long? _promisedAt;
    private long _standAfter;
    private readonly long _turn;
    private long? _eligibleSince;
    private Candidacy? _candidacy;
    private long? _checkAt;

    public FormationVote(TimeProvider time, Random random, IFormationPromiseStore store, string self, NodeId selfId,
        IReadOnlyList<string> configured, FormationTiming timing, bool rejoinOnly)
    {
        (_time, _random, _store, _self, _selfId, _timing, _rejoinOnly) = (time, random, store, self, selfId, timing, rejoinOnly);
        Configured = configured.Count;
        _rank = Math.Max(0, configured.ToList().IndexOf(self));
        _started = time.GetTimestamp();
        _promise = store.Load();
        MaxRound = _promise.Round;
        // A promise persisted by an earlier run binds for a whole lease from this start: the
        // candidate may still be counting it, and how long ago it was granted is unknown.
        _promisedAt = _promise.Round > 0 ? _started : null;
        _turn = Ticks(_rank * timing.RankDelay + (_rank > 0 ? Jitter(timing.RankDelay / 4) : TimeSpan.Zero));
        _standAfter = _started;
        if (_promisedAt is { } at)
        {
            StandInTurnAfter(at);
        }
    }

    public int Configured { get; }

    /// <summary>The smallest count of configured nodes (self included) that may form a cluster.</summary>
    public int Needed => Majority.Of(Configured);

    /// <summary>The highest round this node has seen (its own promises included).</summary>
    public long MaxRound { get; private set; }

    /// <summary>The round this node stands in, or null.</summary>
    public long? Standing => _candidacy?.Round;

    /// <summary>Why the last save failed (this node grants nothing and does not stand until one succeeds), or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The promise this node holds (persisted).</summary>
    public FormationPromise Promise => _promise;

    /// <summary>Records a configured peer's answer to this node's query.</summary>
    public void Answer(string peer, bool member, long round, bool promisedElsewhere)
    {
        if (peer != _self)
        {
            _answers[peer] = new Heard(member, promisedElsewhere, _time.GetTimestamp());
            MaxRound = Math.Max(MaxRound, round);
        }
    }

    /// <summary>Whether this node holds a live promise to a candidate other than <paramref name="asker"/> (for its reply).</summary>
    public bool PromisedElsewhere(string asker) => Live() && _promise.CandidateAddress != asker;

    /// <summary>Whether this node's latest promise still binds it.</summary>
    public bool Live() => _promisedAt is { } at && _time.GetElapsedTime(at) < _timing.Lease;

    /// <summary>The voter's rule: grant iff in no cluster, the round is not older than ours, no live promise to another candidate, both clocks in sync, and the promise is saved.</summary>
    public FormationGrant Vote(string candidate, NodeId candidateId, long round, bool inCluster, bool selfInSync, bool candidateInSync)
    {
        MaxRound = Math.Max(MaxRound, round);
        if (inCluster)
        {
            return new(false, "this node is in a cluster (the candidate should join it)");
        }

        if (round < _promise.Round)
        {
            return new(false, $"round {round} is older than this node's round {_promise.Round}");
        }

        if (Live() && _promise.CandidateAddress != candidate)
        {
            return new(false, $"this node holds a live promise to {_promise.CandidateAddress} (round {_promise.Round})");
        }

        if (!selfInSync || !candidateInSync)
        {
            return new(false, selfInSync ? "the candidate's clock is out of sync" : "this node's clock is out of sync");
        }

        return TryPromise(new FormationPromise(round, candidateId, candidate))
            ? new(true, $"promised round {round}")
            : new(false, Problem!);
    }

    /// <summary>One query interval: join, wait, stand, or give up a candidacy whose deadline passed.</summary>
    public FormationOutcome Tick(bool selfInSync)
    {
        var fresh = _answers.Where(a => _time.GetElapsedTime(a.Value.At) <= _timing.Freshness).ToList();
        var member = fresh.Where(a => a.Value.Member).Select(a => a.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        var unjoined = Math.Min(Configured, 1 + fresh.Count(a => !a.Value.Member));
        FormationOutcome Outcome(FormationStep step, string why) => new(step, _candidacy?.Round ?? 0, unjoined, Needed, Configured, member, why);

        if (member is not null)
        {
            _candidacy = null; // a cluster exists: join it, never form a second one
            return Outcome(FormationStep.JoinExisting, $"{member} is in a cluster");
        }

        var now = _time.GetTimestamp();
        if (_candidacy is { } c)
        {
            if (now < c.Deadline)
            {
                return Outcome(FormationStep.Wait, $"standing in round {c.Round}: {c.Grants.Count} of {Needed} promises");
            }

            _candidacy = null; // it stands again after its own promise expired, in its turn (TryPromise)
            return new(FormationStep.GiveUp, c.Round, unjoined, Needed, Configured, null,
                $"round {c.Round} got {c.Grants.Count} of {Needed} promises before its deadline");
        }

        var why = WhyNotStand(fresh, unjoined, selfInSync, now);
        if (why is not null)
        {
            return Outcome(FormationStep.Wait, why);
        }

        var round = Math.Max(MaxRound, _promise.Round) + 1;
        if (!TryPromise(new FormationPromise(round, _selfId, _self)))
        {
            return Outcome(FormationStep.Wait, Problem!);
        }

        _candidacy = new Candidacy(round, now, now + Ticks(_timing.Window), [_self]);
        return Outcome(FormationStep.Stand, $"{unjoined} of the {Configured} configured nodes answered that they are in no cluster");
    }

    /// <summary>A peer's reply to this node's vote request; true when this node now holds a majority in time and forms.</summary>
    public bool Granted(string peer, long round, bool granted)
    {
        if (!granted || _candidacy is not { } c || round != c.Round || _time.GetTimestamp() >= c.Deadline)
        {
            return false;
        }

        c.Grants.Add(peer);
        if (c.Grants.Count < Needed)
        {
            return false;
        }

        _candidacy = null;
        _checkAt = c.SentAt + Ticks(_timing.Window); // every counted promise binds until at least SentAt + Lease
        return true;
    }

    /// <summary>
    /// This node became a member of a cluster it did not form: it too checks, half a lease from
    /// now, that a majority of the configured nodes is Up in it (a cluster that only a minority
    /// ever joined is abandoned by every node in it, not only its founder). Returns the delay.
    /// </summary>
    public TimeSpan Joined()
    {
        _candidacy = null;
        _checkAt ??= _time.GetTimestamp() + Ticks(_timing.Window);
        return CheckDue;
    }

    /// <summary>How long until the membership check (zero when due).</summary>
    public TimeSpan CheckDue => _checkAt is { } at ? TimeSpan.FromTicks(Math.Max(0, (long)((at - _time.GetTimestamp()) * Scale))) : TimeSpan.Zero;

    /// <summary>At the check: abandon the cluster when fewer than a majority of the configured nodes are Up in it.</summary>
    public bool ShouldAbandon(int upConfigured) => upConfigured < Needed;

    private string? WhyNotStand(List<KeyValuePair<string, Heard>> fresh, int unjoined, bool selfInSync, long now)
    {
        if (_rejoinOnly)
        {
            return "this incarnation only rejoins";
        }

        if (unjoined < Needed)
        {
            _eligibleSince = null;
            return $"{unjoined} of the {Configured} configured nodes answered that they are in no cluster; a majority is {Needed}";
        }

        if (unjoined < Configured && _time.GetElapsedTime(_started) < _timing.Patience)
        {
            _eligibleSince = null;
            return $"{unjoined} of the {Configured} configured nodes answered; waiting up to {_timing.Patience.TotalSeconds:0.#}s for the others";
        }

        // Nodes become eligible together (every node answered, or the patience ran out): each then
        // waits its rank, so that the lowest address stands first and the others promise to it.
        _eligibleSince ??= now;

        if (!selfInSync)
        {
            return "this node's clock is out of sync";
        }

        if (Live())
        {
            return $"this node holds a live promise to {_promise.CandidateAddress} (round {_promise.Round})";
        }

        if (fresh.FirstOrDefault(a => a.Value.PromisedElsewhere) is { Key: not null } promised)
        {
            return $"{promised.Key} holds a live promise to another candidate";
        }

        return now < _standAfter || now < _eligibleSince + _turn ? "waiting its turn by address rank" : null;
    }

    private bool TryPromise(FormationPromise next)
    {
        try
        {
            _store.Save(next);
        }
        catch (Exception e) when (e is DataDirectoryException or IOException or UnauthorizedAccessException)
        {
            Problem = $"{e.Message}; this node grants no formation promise and does not stand until a save succeeds";
            return false;
        }

        Problem = null;
        _promise = next;
        _promisedAt = _time.GetTimestamp();
        MaxRound = Math.Max(MaxRound, next.Round);
        StandInTurnAfter(_promisedAt.Value);
        return true;
    }

    /// <summary>
    /// Promises made at about the same time expire at about the same time: without a turn, every
    /// node whose promise just expired would stand at once and split the vote again. After a
    /// promise expires a node waits its rank, plus jitter, before it stands.
    /// </summary>
    private void StandInTurnAfter(long promisedAt) =>
        _standAfter = Math.Max(_standAfter, promisedAt + Ticks(_timing.Lease + _rank * _timing.RankDelay + Jitter(_timing.RankDelay / 2)));

    private TimeSpan Jitter(TimeSpan max) => TimeSpan.FromTicks((long)(_random.NextDouble() * max.Ticks));

    private double Scale => (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency;

    private long Ticks(TimeSpan span) => (long)(span.Ticks / Scale);

    private sealed record Heard(bool Member, bool PromisedElsewhere, long At);

    private sealed record Candidacy(long Round, long SentAt, long Deadline, HashSet<string> Grants);
}
