/** The paths of the Twilio webhooks, under `PUBLIC_URL` (each signed by Twilio and verified before it is read). */
export const TWILIO_PATHS = {
  voice: '/twilio/voice',
  status: '/twilio/status',
  /** `Enqueue waitUrl`: one round of position, callback offer and hold, requested again when it ends. */
  wait: '/twilio/wait',
  /** The wait round's `<Gather>` action: `Digits=1` asks for a callback. */
  callbackChoice: '/twilio/callback-choice',
  /** `Enqueue action`: the call left the queue (after the wait URL's `<Leave/>`, an exception's TwiML plays here). */
  queueLeft: '/twilio/queue-left',
  /** An exception's `<Record>` action: the voicemail. */
  voicemail: '/twilio/voicemail',
  /** After the agent's leg (Enqueue's action, `bridged`): the survey's `<Gather>`, or a short wait for it (`?round=`). */
  survey: '/twilio/survey',
  /** The survey `<Gather>`'s action: `Digits` 1–5. */
  surveyAnswer: '/twilio/survey-answer',
  /** A callback leg answered: `?contact=&agent=`. */
  callbackConnect: '/twilio/callback-connect',
  /** A callback leg's status callback: `?contact=&attempt=`. */
  callbackStatus: '/twilio/callback-status',
} as const;
