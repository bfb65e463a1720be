/** A made-up customer with one request; every field is fictional. */
export interface DemoCustomer {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly openid: string;
  readonly language: string;
  /** Phone IVR tier (`vip_*` routes to the VIP queue), absent for standard customers. */
  readonly tier?: 'vip_silver' | 'vip_gold' | 'vip_platinum';
  /** IVR menu choice / chat topic, matching the routing rules' intents. */
  readonly intent: string;
  readonly summary: string;
}

const NAMES: Record<string, readonly string[]> = {
  en: ['Ava Brooks', 'Liam Carter', 'Mia Turner', 'Noah Hughes', 'Emma Ward', 'Oliver Reed'],
  zh: ['王芳', '李伟', '张敏', '刘洋', '陈静', '杨磊'],
  es: ['Lucía Gómez', 'Mateo Ruiz', 'Sofía Díaz', 'Hugo Romero'],
};

const REQUESTS: Record<string, Record<string, string>> = {
  complaint: { en: 'My order arrived broken and nobody answered my last two emails.', zh: '我的订单到货时已经损坏，之前两次投诉都没有回复。', es: 'Mi pedido llegó roto y nadie me ha respondido.' },
  'after-sales': { en: 'I need a replacement charger for the model I bought last month.', zh: '上个月买的产品需要更换充电器。', es: 'Necesito un cargador de repuesto.' },
  sales: { en: 'Can you tell me the difference between the Pro and Business plans?', zh: '请问专业版和企业版有什么区别？', es: '¿Qué diferencia hay entre los planes Pro y Business?' },
  general: { en: 'What are your opening hours over the holidays?', zh: '节假日期间你们的营业时间是什么？', es: '¿Cuál es el horario en festivos?' },
};

/** The draw of one customer: a language, a request and (sometimes) VIP status. */
export interface CustomerMix {
  /** Share of VIP callers (phone only carries a tier). */
  readonly vipShare: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** Weighted draw over `[value, weight]` pairs. */
export function weighted<T>(choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = Math.random() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return choices[choices.length - 1]![0];
}

let serial = 0;

/** A new customer: mostly English, a good share Chinese, some Spanish; intents as a day's mix. */
export function drawCustomer(mix: CustomerMix): DemoCustomer {
  const language = weighted([['en', 6], ['zh', 3], ['es', 1]] as const);
  const intent = weighted([['general', 4], ['sales', 3], ['after-sales', 2], ['complaint', 1.5]] as const);
  const n = ++serial;
  const vip = Math.random() < mix.vipShare;
  return {
    name: pick(NAMES[language]!),
    email: `customer${n}@mail.example`,
    phone: `+86138${String(10_000_000 + Math.floor(Math.random() * 89_999_999)).slice(0, 8)}`,
    openid: `oDemo${n.toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 12)}`,
    language,
    ...(vip ? { tier: pick(['vip_silver', 'vip_gold', 'vip_platinum'] as const) } : {}),
    intent,
    summary: REQUESTS[intent]![language]!,
  };
}
