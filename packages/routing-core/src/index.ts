// Routing engine: domain model, commands, events, engine.
export { RoutingEngine } from './engine.js';
export type { EngineConfig, EngineSnapshot } from './engine.js';
export { ImageError } from './core/image.js';
export type { Unavailability } from './core/records.js';
export type { AgentImage, ContactImage, EngineImage, GroupImage, MembershipImage, PlaceImage, QueueImage, SurveyImage } from './core/image.js';
export { RoutingError, RoutingErrorCode, isRoutingError } from './errors.js';
export { Channel, CHANNELS } from './model/channel.js';
export type { ChannelCapacity } from './model/channel.js';
export type { AgentSkills, Proficiency, SkillRequirement } from './model/skill.js';
export { ContactState, CustomerTier } from './model/contact.js';
export type { CallbackState, ContactInput, ContactView } from './model/contact.js';
export { customerPolicyOf, DEFAULT_FCR_WINDOW_SECONDS, DEFAULT_LAST_AGENT_WINDOW_SECONDS } from './model/customer.js';
export type { CustomerPolicy, CustomerPreference, CustomerPreferenceReason, SameCustomerPolicy } from './model/customer.js';
export { FcrTracker } from './kpi/fcr-tracker.js';
export type { FcrFigures } from './kpi/fcr-tracker.js';
export { AWAY_MISSED, Presence } from './model/agent.js';
export type { AgentProfile, AgentView, ServedQueue } from './model/agent.js';
export { DEFAULT_CALLBACK_POLICY, DEFAULT_CUSTOMER_ACTION, QueueKind, SelectionStrategy } from './model/queue.js';
export type { CallbackPolicy, CustomerAction, CustomerActionKind, LimitAction, QueueConfig, Ring, RuleVersion, SurgePolicy, VipPool } from './model/queue.js';
export { DEFAULT_SURGE_POLICY, openingOf } from './core/customer-service.js';
export {
  DEFAULT_SURVEY_WINDOW_SECONDS, MAX_SURVEY_WINDOW_SECONDS, SURVEY_CHANNELS, SURVEY_COMMENT_MAX, SURVEY_SATISFIED_MIN, SURVEY_SCORE_MAX, SURVEY_SCORE_MIN, surveysChannel,
} from './model/survey.js';
export type { SurveyPolicy, SurveyRefusal } from './model/survey.js';
export { DecisionTrigger, MAX_CANDIDATE_NOTES, PassReason } from './model/explanation.js';
export type { CandidateNote, Explanation } from './model/explanation.js';
export { TimerKind } from './model/timer.js';
export type { TimerRequest } from './model/timer.js';
export type { CompletionOutcome, RoutingCommand, RoutingCommandType, TransferTarget } from './model/command.js';
export type { ApplyResult, RejectReason, RoutingOutcome } from './model/outcome.js';
export type {
  AgentPresenceChanged, AgentProfileChanged, ContactAbandoned, ContactCompleted, ContactEventBase, ContactLimitReached, ContactOutcomeRecorded, ContactExpired, ContactOffered,
  ContactOverflowed, ContactQueued, ContactRejected, ContactReprioritized, ContactTransferred, EventBase, OfferAccepted, OfferDeclined,
  OfferTimedOut, RingWidened, RoutingEvent, RoutingEventType, WrapUpEnded,
  CallbackDialing, CallbackFailed, CallbackOffered, CallbackRequested, ContactHeld, CustomerIdentified, ExpiryReason, HoldReason, QueueHoursChanged, QueueSurgeChanged, SurgeSource, SurveyAnswered, SurveyOffered,
  QaCriterionScore, QaReviewRequested, QaReviewScored, FollowUpTaskAtRisk, FollowUpTaskOpened,
} from './model/event.js';
// Quality sampling: which completed contacts a queue marks for review, and a reviewer's score.
export { inPercentSample, sampleAtCompletion, sampleOnSurvey, samplingBucket } from './qa/sampling.js';
export type { CompletedFacts, QaSampleReason, QaSamplingRule } from './qa/sampling.js';
export { checkQaScore, MAX_QA_COMMENT, MAX_QA_CRITERIA, qaTotal } from './qa/score.js';
export type { QaScoreInput } from './qa/score.js';
// Complaint follow-up: which outcomes open a task (channel task), its due and at-risk times.
export {
  DEFAULT_AT_RISK_SHARE, DEFAULT_COMPLAINT_INTENTS, DEFAULT_ESCALATION_BOOST, DEFAULT_UNRESOLVED_DISPOSITIONS, followUpTaskId, followUpTimes, opensFollowUp,
} from './followup/decide.js';
export type { FollowUpPolicy, OutcomeFacts } from './followup/decide.js';
export { DEFAULT_RESOLUTION_LIMIT_SECONDS } from './core/follow-up.js';
// The rules the live router (Redis Lua) mirrors: eligibility, rings, capacity/blending, queue and agent order.
export { inVipPool, mergeSkills, minEligibleRing, proficiencyScore, ringCount, ringRequirement, staticPassReason } from './rules/eligibility.js';
export type { MinRing, ResolvedSkill, RingRequirement } from './rules/eligibility.js';
export { capacityPassReason, emptyLoad, occupancy } from './rules/capacity.js';
export type { ChannelLoad } from './rules/capacity.js';
export { compareContacts, contactSortKey, effectivePriority, poolOpenAt, ringAt, thresholdOffsetsMs } from './rules/queue-order.js';
export type { ContactOrderKey } from './rules/queue-order.js';
export { agentOrderKeys } from './rules/agent-order.js';
export type { AgentOrderInputs } from './rules/agent-order.js';
// Per-queue business hours and holidays in IANA time zones (time passed in, as everywhere here).
export { hoursProblems, hoursStatus } from './hours/business-hours.js';
export type { BusinessHours, HolidayHours, HoursStatus, OpeningWindow, WeeklyHours } from './model/hours.js';

// Erlang C / A calculators, KPIs from the event history, discrete-event simulator.
export { erlangB } from './erlang/erlang-b.js';
export { erlangC, erlangCProbWait } from './erlang/erlang-c.js';
export { erlangA } from './erlang/erlang-a.js';
export { agentsRequired } from './erlang/staffing.js';
export type { StaffingInput, StaffingResult, StaffingTarget } from './erlang/staffing.js';
export type { ImpatientQueueModel, QueueMetrics, QueueModel } from './erlang/types.js';
// Staffing per 15-minute interval: workload tallies, the forecast from past weeks, agents needed per channel.
export { addTally, EMPTY_TALLY, handleSecondsOf, intervalStartOf, patienceSecondsOf, STAFFING_INTERVAL_MS, TALLY_FIELDS, tallyDeltaOf } from './staffing/interval-tally.js';
export type { IntervalTally, TallyDelta } from './staffing/interval-tally.js';
export { DEFAULT_FORECAST_METHOD, forecastWorkload } from './staffing/workload-forecast.js';
export type { ForecastMethod, IntervalWorkload, WorkloadInput } from './staffing/workload-forecast.js';
export { channelNeed, staffingPlan } from './staffing/staffing-plan.js';
export type { ChannelNeed, ChannelWorkload, IntervalNeed } from './staffing/staffing-plan.js';
export { computeKpis } from './kpi/compute-kpis.js';
export { KpiAccumulator } from './kpi/kpi-accumulator.js';
export { surveyFigures } from './kpi/tally.js';
export { AGENT_BUCKET_MS, AgentPerformanceFold } from './kpi/agent-performance.js';
export type { AgentBucketDelta, AgentOpenState, AgentPerformanceOptions, AgentPerformanceState } from './kpi/agent-performance.js';
export { AGENT_TALLY_FIELDS, addAgentTally, agentPerformanceFigures, emptyAgentIntervalTally, isAgentTallyField } from './kpi/agent-tally.js';
export type { AgentIntervalTally, AgentPerformanceFigures, AgentTallyField } from './kpi/agent-tally.js';
export { rollUpAgentBuckets } from './kpi/agent-rollup.js';
export type { AgentIntervalRow } from './kpi/agent-rollup.js';
export { firstContactAnswer } from './kpi/fcr.js';
export { OutcomeKind } from './kpi/types.js';
export type { AgentKpis, ContactOutcome, KpiOptions, KpiReport, QueueKpis, SurveyKpis } from './kpi/types.js';
export { createRng, deriveRng } from './sim/rng.js';
export type { Rng } from './sim/rng.js';
export { sampleDuration } from './sim/distributions.js';
export type { DurationDistribution } from './sim/distributions.js';
export { batchMeans } from './sim/batch-means.js';
export type { Estimate } from './sim/batch-means.js';
export { simulate } from './sim/simulator.js';
export { EventHeap } from './sim/event-heap.js';
export { queueConfig, singleQueueScenario } from './sim/scenario.js';
export type { SimAgentGroup, SimBehaviour, SimQueue, SimScenario, SingleQueueInput } from './sim/scenario.js';
export type { SimFigures, SimQueueResult, SimResult, SimStandardErrors } from './sim/sim-report.js';
export { controlledMean } from './sim/control-variates.js';
export type { ControlledEstimate } from './sim/control-variates.js';
export type { ControlledFigures } from './sim/outcome-columns.js';

// Surge mode: the live forecast of each queue's service level, and when it enters and leaves surge.
export { forecastServiceLevel } from './surge/forecast.js';
export type { ForecastInput, ServiceLevelForecast } from './surge/forecast.js';
export { decideSurge, INITIAL_SURGE_STATE, pinSurge, releaseSurgePin } from './surge/decide-surge.js';
export type { SurgeChange, SurgeDecision, SurgeHysteresis, SurgeState } from './surge/decide-surge.js';
export { LiveRates } from './surge/live-rates.js';
export type { LiveRate, LiveRatesOptions } from './surge/live-rates.js';
export { nextArrivalMs } from './sim/simulator.js';
export { servers, SurgeTracker } from './sim/sim-surge.js';
export type { SimSupervisorSwitch, SimSurge, SimSurgeChange, SimSurgeQueue, SimSurgeReport, SimSurgeTracePoint } from './sim/sim-surge.js';
export type { ArrivalPhase } from './sim/scenario.js';
export type { SurgeObservation } from './surge/decide-surge.js';
export { E164 } from './model/phone.js';
