using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// Checks what the nodes reported about leadership over a whole run: at most one leader per
/// term ever, and no node's term ever decreasing (across its restarts too).
/// </summary>
public sealed class ElectionHistory
{
    private readonly List<LeaderRecorder> _recorders = [];

    public void Add(LeaderRecorder recorder)
    {
        lock (_recorders)
        {
            _recorders.Add(recorder);
        }
    }

    /// <summary>Every violation found, as readable lines (empty when the history is sound).</summary>
    public IReadOnlyList<string> Violations()
    {
        List<LeaderRecorder> recorders;
        lock (_recorders)
        {
            recorders = [.. _recorders];
        }

        var violations = new List<string>();
        var leadersByTerm = recorders
            .SelectMany(r => r.Seen.Where(s => s.Info.Leader is not null).Select(s => (Term: s.Info.Term, Leader: s.Info.Leader!.Value, r.Node, s.At)))
            .GroupBy(x => x.Term);
        foreach (var term in leadersByTerm)
        {
            var leaders = term.Select(x => x.Leader).Distinct().ToList();
            if (leaders.Count > 1)
            {
                violations.Add($"term {term.Key} has {leaders.Count} leaders: " +
                    string.Join(", ", term.GroupBy(x => x.Leader).Select(g => $"{g.Key} (seen by {g.First().Node} at {g.First().At.TotalSeconds:F1} s)")));
            }
        }

        foreach (var node in recorders.GroupBy(r => r.Node))
        {
            // Voters == 0: the supervisor's placeholder before its election actor reported; not an observation.
            var terms = node.SelectMany(r => r.Seen).Where(s => s.Info.Voters > 0).OrderBy(s => s.At).ToList();
            for (var i = 1; i < terms.Count; i++)
            {
                if (terms[i].Info.Term < terms[i - 1].Info.Term)
                {
                    violations.Add($"{node.Key}'s term went from {terms[i - 1].Info.Term} to {terms[i].Info.Term} at {terms[i].At.TotalSeconds:F1} s");
                }
            }
        }

        return violations;
    }

    public string Describe() => string.Join("\n", _recorders.Select(r => $"  {r.Node}: {r.History()}"));

    public static NodeId Id(string text) => NodeId.Parse(text);
}
