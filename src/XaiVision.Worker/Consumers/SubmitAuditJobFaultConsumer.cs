using MassTransit;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Consumers;

/// <summary>
/// A submission that faulted (a storage outage longer than Storage:OutagePatienceSeconds while planning, or a fault of ours) lands in
/// <c>submit-audit-job_error</c>; without this its client would wait forever, since a job that was never planned is on no open list for
/// the deadline check. The job fails once, with the reason, announced; a job that has ended already is left as it is.
/// </summary>
public sealed class SubmitAuditJobFaultConsumer(JobEnd jobEnd) : IConsumer<Fault<SubmitAuditJob>>
{
    public async Task Consume(ConsumeContext<Fault<SubmitAuditJob>> context)
    {
        var (fault, ct) = (context.Message, context.CancellationToken);
        if (Faults.WasCancelled(fault)) return;
        await jobEnd.FailSubmissionAsync(context, fault.Message.JobId, fault.Message.Spec, $"Its submission faulted: {Faults.FirstReason(fault)}", ct);
    }
}
