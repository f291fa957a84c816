using MassTransit;
using XaiVision.Worker.Consumers;

namespace XaiVision.Worker.Hosting;

/// <summary>
/// Queue and exchange names. With <c>Transport:EndpointPrefix</c> <c>teamA</c>: queues <c>teamA-submit-audit-job</c>,
/// <c>teamA-audit-shard</c>, …, and exchanges <c>teamA-XaiVision.Contracts:AuditShard</c>, … (the message type in the envelope
/// is unchanged: <c>urn:message:XaiVision.Contracts:AuditShard</c>). Without a prefix, MassTransit's plain kebab-case names.
/// </summary>
public static class JobQueues
{
    public static IEndpointNameFormatter Formatter(string? prefix) =>
        string.IsNullOrEmpty(prefix) ? KebabCaseEndpointNameFormatter.Instance : new PrefixedEndpointNameFormatter(prefix);

    public static void PrefixExchanges(IBusFactoryConfigurator cfg, string? prefix)
    {
        if (!string.IsNullOrEmpty(prefix))
            cfg.MessageTopology.SetEntityNameFormatter(new PrefixEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter, prefix + "-"));
    }

    /// <summary>The durable queue the planner consumes: clients send submissions straight to it.</summary>
    public static Uri Submit(IEndpointNameFormatter formatter) => new($"queue:{formatter.Consumer<SubmitAuditJobConsumer>()}");

    /// <summary>Kebab-case names with the prefix kept as written and joined by '-' (not folded into the first word).</summary>
    sealed class PrefixedEndpointNameFormatter(string prefix) : KebabCaseEndpointNameFormatter(false)
    {
        public override string SanitizeName(string name) => $"{prefix}-{base.SanitizeName(name)}";
    }
}
