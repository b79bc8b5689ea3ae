using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

/// <summary>Every term from the wire passes <see cref="TermBound"/> before it can move this node (docs/election.md).</summary>
public sealed partial class ElectionState
{
    private readonly TermBound _bound;

    /// <summary>A message whose term is its sender's own.</summary>
    private bool Admit(NodeId from, long term, List<ElectionOutput> outputs) => Admit(from, term, term, outputs);

    /// <summary>
    /// True when <paramref name="term"/> from <paramref name="from"/> is plausible; otherwise adds a
    /// <see cref="TermRefused"/>. <paramref name="claim"/> is the sender's own term as the message shows
    /// it (null: it shows none), recorded as evidence for other senders either way.
    /// </summary>
    private bool Admit(NodeId from, long term, long? claim, List<ElectionOutput> outputs)
    {
        var verdict = _bound.Judge(from, term, claim, Term, _self, _voters, QuorumSize);
        if (verdict.IsPlausible)
        {
            return true;
        }

        outputs.Add(new TermRefused(from, term, verdict.Ceiling, verdict.Judgement == TermJudgement.Implausible));
        return false;
    }
}
