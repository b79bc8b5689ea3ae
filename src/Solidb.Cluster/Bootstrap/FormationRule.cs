using Solidb.Cluster.Configuration;

namespace Solidb.Cluster.Bootstrap;

/// <summary>What the lowest address does next while it is in no cluster.</summary>
public enum FormationDecision
{
    /// <summary>Not enough of the configured nodes answered that they are in no cluster.</summary>
    Wait,

    /// <summary>Form a new cluster: a majority is reachable and in no cluster, and none is in one.</summary>
    Form,

    /// <summary>A peer is in a cluster: join it (Akka's join process does) rather than form a second one.</summary>
    JoinExisting,
}

/// <summary>The decision with the counts behind it, for the log.</summary>
/// <param name="Member">The configured peer (host:port) that answered that it is in a cluster.</param>
public sealed record FormationVerdict(FormationDecision Decision, int Unjoined, int Needed, int Configured, string? Member);

/// <summary>
/// When the lowest configured address may form a new cluster. Akka's own rule (form when no seed
/// answered within seed-node-timeout) splits the cluster whenever the lowest node restarts while
/// cut off from the others: it forms a cluster of its own beside theirs, which never merges.
/// Here it forms only when a strict majority of the configured nodes (itself included) answered
/// recently that they are in no cluster, and no node answered that it is in one: at once when
/// every configured node answered so, otherwise after <paramref name="patience"/> (the bootstrap
/// seed-node-timeout), so that members of an existing cluster that answer slowly are heard first.
/// A node of an existing cluster that answers makes it join that cluster instead. Two clusters
/// formed this way would each need a majority of the configured nodes unjoined at once, so a full
/// restart forms one cluster and a restart during a partition forms none.
/// </summary>
/// <remarks>
/// Answers are keyed by the configured peer's address (host:port), never by the node id a reply
/// claims: only configured peers count, each once, so forged ids cannot make up a majority.
/// </remarks>
public sealed class FormationRule(TimeProvider time, string self, int configured, TimeSpan freshness, TimeSpan patience)
{
    private readonly long _started = time.GetTimestamp();
    private readonly Dictionary<string, (bool Member, long At)> _answers = new(StringComparer.Ordinal);

    /// <summary>The smallest count of unjoined configured nodes (self included) that may form a cluster.</summary>
    public int Needed => Election.Majority.Of(configured);

    public static bool MayForm(ClusterSettings settings, bool rejoinOnly)
    {
        var order = settings.SeedOrder();
        return !rejoinOnly && order.Count > 1 && order[0] == settings.Self;
    }

    /// <summary>Records a peer's answer; answers older than the freshness window stop counting.</summary>
    public void Answer(string peer, bool member)
    {
        if (peer != self)
        {
            _answers[peer] = (member, time.GetTimestamp());
        }
    }

    public FormationVerdict Decide()
    {
        var fresh = _answers.Where(a => time.GetElapsedTime(a.Value.At) <= freshness).ToList();
        var member = fresh.Where(a => a.Value.Member).Select(a => a.Key).FirstOrDefault();
        var unjoined = Math.Min(configured, 1 + fresh.Count(a => !a.Value.Member));
        var decision = member is not null ? FormationDecision.JoinExisting
            : unjoined >= configured ? FormationDecision.Form
            : unjoined >= Needed && time.GetElapsedTime(_started) >= patience ? FormationDecision.Form
            : FormationDecision.Wait;
        return new FormationVerdict(decision, unjoined, Needed, configured, member);
    }
}
