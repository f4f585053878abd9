// Writes samples/sales-mail.mbox: the sales mailbox of the demo company (torgdom.ru), with
// letters to and from the demo's customers (the e-mails of samples/clients-1251.csv and
// web-leads.csv), in Russian and English: requests answered after some hours, a thread with
// replies, an auto-reply, a bounce and a newsletter. Deterministic: run it again, get the same file.
//   node samples/make-mailbox.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';

const here = path.dirname(fileURLToPath(import.meta.url));
let seed = 17;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const clients = iconv
  .decode(fs.readFileSync(path.join(here, 'clients-1251.csv')), 'windows-1251')
  .split(/\r?\n/)
  .slice(4)
  .map((l) => l.split(';'))
  .filter((c) => c.length >= 9 && /^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(c[3].trim()))
  .map((c) => ({ name: c[1], email: c[3].trim().toLowerCase(), company: c[4].replace(/^"|"$/g, '').replace(/""/g, '"'), phone: c[2], manager: c[8] }));
const leads = fs
  .readFileSync(path.join(here, 'web-leads.csv'), 'utf8')
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(','))
  .filter((c) => c.length >= 7 && c[2].includes('@') && !c[2].includes('+'))
  .map((c) => ({ name: `${c[0]} ${c[1]}`, email: c[2].toLowerCase() }));

const MANAGERS = {
  'Петрова А.': { name: 'Анна Петрова', email: 'a.petrova@torgdom.ru' },
  'Григорьев К.': { name: 'Константин Григорьев', email: 'k.grigoriev@torgdom.ru' },
  'Юсупова Д.': { name: 'Дина Юсупова', email: 'd.yusupova@torgdom.ru' },
};
const SALES = { name: 'Отдел продаж ТоргДом', email: 'sales@torgdom.ru' };
const words = (s) => (/[^\x20-\x7e]/.test(s) ? `=?utf-8?B?${Buffer.from(s).toString('base64')}?=` : s);
const addr = (p) => `${words(p.name)} <${p.email}>`;
const rfcDate = (d) => d.toUTCString().replace('GMT', '+0000');
const asctime = (d) => {
  const [wd, , , , time] = d.toUTCString().split(' ');
  const mon = d.toUTCString().split(' ')[2];
  return `${wd.slice(0, 3)} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
};

const letters = [];
let n = 0;
function mail({ from, to, subject, date, body, id, inReplyTo, refs, headers = {} }) {
  const messageId = id ?? `demo${++n}@${from.email.split('@')[1]}`;
  const head = [
    `From: ${addr(from)}`,
    `To: ${addr(to)}`,
    `Subject: ${words(subject)}`,
    `Date: ${rfcDate(date)}`,
    `Message-ID: <${messageId}>`,
    ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`] : []),
    ...(refs ? [`References: ${refs.map((r) => `<${r}>`).join(' ')}`] : []),
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  const text = Buffer.from(body.replace(/\n/g, '\r\n')).toString('base64').replace(/.{76}/g, '$&\n');
  letters.push({ date, text: `From ${from.email} ${asctime(date)}\n${head.join('\n')}\n\n${text}\n` });
  return messageId;
}

const hours = (d, h) => new Date(d.getTime() + h * 3600_000);
// Requests from customers, each answered by their manager some hours later; every third a thread.
clients.slice(0, 24).forEach((c, i) => {
  const month = i % 12;
  const asked = new Date(Date.UTC(2025, month, 3 + (i % 20), 6 + (i % 5), 17 * (i % 3)));
  const manager = MANAGERS[c.manager] ?? MANAGERS['Петрова А.'];
  const customer = { name: c.name, email: c.email };
  const subject = ['Запрос коммерческого предложения', 'Вопрос по счёту', 'Заказ на поставку', 'Сроки доставки'][i % 4];
  const signature = `\n\nС уважением,\n${c.name}${c.company ? `\n${c.company}` : ''}\nтел. ${c.phone}`;
  const q = mail({ from: customer, to: SALES, subject, date: asked, body: `Добрый день!\nПрошу подготовить предложение, объём уточним.${signature}` });
  const answered = hours(asked, 1 + Math.floor(rand() * 30));
  const a = mail({ from: manager, to: customer, subject: `Re: ${subject}`, date: answered, inReplyTo: q, refs: [q], body: `Здравствуйте!\nПредложение во вложении, готовы обсудить.\n\n--\n${manager.name}\nменеджер по продажам\nООО "ТоргДом"` });
  if (i % 3 === 0) {
    const again = hours(answered, 2 + Math.floor(rand() * 20));
    const r = mail({ from: customer, to: manager, subject: `Re: Re: ${subject}`, date: again, inReplyTo: a, refs: [q, a], body: `Спасибо, согласовано. Выставляйте счёт.\n\n> Предложение во вложении` });
    mail({ from: manager, to: customer, subject: `Re: Re: Re: ${subject}`, date: hours(again, 1), inReplyTo: r, refs: [q, a, r], body: 'Счёт отправлен, ждём оплату.' });
  }
});
// English letters from web leads.
leads.slice(0, 6).forEach((l, i) => {
  const asked = new Date(Date.UTC(2025, (i * 2) % 12, 10 + i, 9, 30));
  const q = mail({ from: l, to: SALES, subject: 'Price list request', date: asked, body: `Hello,\nCould you send us your price list?\n\nBest regards,\n${l.name}` });
  mail({ from: MANAGERS['Григорьев К.'], to: l, subject: 'Re: Price list request', date: hours(asked, 3 + i), inReplyTo: q, refs: [q], body: `Dear ${l.name.split(' ')[0]},\nPlease find our price list attached.\n\nKind regards,\nKonstantin Grigoriev\nSales manager` });
});
// Not conversations: an auto-reply, a bounce, a newsletter.
const c0 = clients[1];
mail({ from: { name: c0.name, email: c0.email }, to: SALES, subject: 'Автоответ: Re: Вопрос по счёту', date: new Date(Date.UTC(2025, 1, 5, 12)), headers: { 'Auto-Submitted': 'auto-replied' }, body: 'Я в отпуске до 20 февраля. По срочным вопросам звоните в офис.' });
mail({ from: { name: 'Mail Delivery System', email: 'MAILER-DAEMON@mx.torgdom.ru' }, to: SALES, subject: 'Undelivered Mail Returned to Sender', date: new Date(Date.UTC(2025, 2, 11, 8)), body: 'This is the mail system at host mx.torgdom.ru.\nI\'m sorry to have to inform you that your message could not be delivered.' });
mail({ from: { name: 'Металлоторг', email: 'news@metalltorg.example' }, to: SALES, subject: 'Новости рынка металлопроката: март', date: new Date(Date.UTC(2025, 2, 1, 7)), headers: { 'List-Id': '<news.metalltorg.example>', 'List-Unsubscribe': '<mailto:unsubscribe@metalltorg.example>', Precedence: 'bulk' }, body: 'Цены на арматуру выросли на 3%.' });

letters.sort((a, b) => a.date - b.date);
const out = path.join(here, 'sales-mail.mbox');
fs.writeFileSync(out, letters.map((l) => `${l.text}\n`).join(''));
console.log(`${out}: ${letters.length} letters`);
