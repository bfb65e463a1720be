import { z } from 'zod';

/** Who wrote a kf message: 3 the customer, 4 a system event, 5 an agent (servicer). */
export const KfOrigin = { customer: 3, systemEvent: 4, servicer: 5 } as const;

const kfEvent = z.object({
  event_type: z.string(),
  open_kfid: z.string().optional(),
  external_userid: z.string().optional(),
  scene: z.string().optional(),
  scene_param: z.string().optional(),
  welcome_code: z.string().optional(),
  /** session_status_change: 1 taken from the pool, 2 transferred, 3 ended, 4 re-opened. */
  change_type: z.number().int().optional(),
  old_servicer_userid: z.string().optional(),
  new_servicer_userid: z.string().optional(),
  servicer_userid: z.string().optional(),
  status: z.number().int().optional(),
  fail_msgid: z.string().optional(),
  fail_type: z.number().int().optional(),
});

/** One entry of `sync_msg`'s `msg_list`, as WeChat writes it (snake_case). */
export const kfMessageSchema = z.object({
  msgid: z.string().min(1),
  open_kfid: z.string().min(1),
  external_userid: z.string().optional(),
  send_time: z.number().int(),
  origin: z.number().int(),
  servicer_userid: z.string().optional(),
  msgtype: z.string(),
  text: z.object({ content: z.string(), menu_id: z.string().optional() }).optional(),
  event: kfEvent.optional(),
});

/** A kf message or event pulled by `sync_msg`. */
export type KfMessage = z.infer<typeof kfMessageSchema>;

/** A kf system event (`msgtype: "event"`). */
export type KfEvent = z.infer<typeof kfEvent>;

/** `sync_msg`'s answer once `errcode` is 0. */
export const syncMsgResponseSchema = z.object({
  next_cursor: z.string().default(''),
  has_more: z.number().int().default(0),
  msg_list: z.array(kfMessageSchema).default([]),
});

/** `sync_msg`'s page, camelCased for callers. */
export interface SyncMsgPage {
  readonly nextCursor: string;
  readonly hasMore: boolean;
  readonly messages: readonly KfMessage[];
}
