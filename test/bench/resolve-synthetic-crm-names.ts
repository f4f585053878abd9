/**
 * Word lists of the CRM-like generator (resolve-synthetic-crm.ts): given names with the short
 * and familiar forms people write in a CRM instead ("Саша" for Александр, "Bill" for William).
 *
 * Written for the generator on its own, from everyday usage — not copied from the resolver's
 * table (transforms/identity/prepare/nicknames.ts) — so the benchmark does not only test that
 * the resolver agrees with itself. Some forms here are deliberately absent from it.
 */

/** [full form, …familiar forms]; Russian men. */
export const RU_MALE_FORMS: ReadonlyArray<readonly string[]> = [
  ['Александр', 'Саша', 'Саня', 'Шура'],
  ['Алексей', 'Лёша', 'Алёша'],
  ['Андрей', 'Андрюша'],
  ['Борис', 'Боря'],
  ['Вадим', 'Вадик'],
  ['Виктор', 'Витя'],
  ['Владимир', 'Вова', 'Володя'],
  ['Вячеслав', 'Слава'],
  ['Геннадий', 'Гена'],
  ['Григорий', 'Гриша'],
  ['Денис', 'Дэн'],
  ['Дмитрий', 'Дима', 'Митя'],
  ['Евгений', 'Женя'],
  ['Иван', 'Ваня'],
  ['Игорь', 'Гоша'],
  ['Константин', 'Костя'],
  ['Максим', 'Макс'],
  ['Михаил', 'Миша'],
  ['Николай', 'Коля'],
  ['Олег'],
  ['Павел', 'Паша'],
  ['Пётр', 'Петя'],
  ['Роман', 'Рома'],
  ['Сергей', 'Серёжа'],
  ['Станислав', 'Стас'],
  ['Юрий', 'Юра'],
  ['Антон', 'Тоша'],
  ['Илья'],
  ['Кирилл'],
  ['Артём', 'Тёма'],
];

/** Russian women. "Женя" and "Саша" are also short for Евгения and Александра. */
export const RU_FEMALE_FORMS: ReadonlyArray<readonly string[]> = [
  ['Александра', 'Саша', 'Шура'],
  ['Анастасия', 'Настя'],
  ['Анна', 'Аня'],
  ['Валентина', 'Валя'],
  ['Виктория', 'Вика'],
  ['Галина', 'Галя'],
  ['Дарья', 'Даша'],
  ['Евгения', 'Женя'],
  ['Екатерина', 'Катя'],
  ['Елена', 'Лена'],
  ['Елизавета', 'Лиза'],
  ['Ирина', 'Ира'],
  ['Ксения', 'Ксюша'],
  ['Людмила', 'Люда'],
  ['Маргарита', 'Рита'],
  ['Мария', 'Маша'],
  ['Надежда', 'Надя'],
  ['Наталья', 'Наташа'],
  ['Ольга', 'Оля'],
  ['Светлана', 'Света'],
  ['Татьяна', 'Таня'],
  ['Юлия', 'Юля'],
  ['Марина'],
  ['Вера'],
  ['Полина'],
];

export const EN_FORMS: ReadonlyArray<readonly string[]> = [
  ['William', 'Bill', 'Will', 'Billy'],
  ['Robert', 'Bob', 'Rob', 'Bobby'],
  ['Richard', 'Rick', 'Dick'],
  ['James', 'Jim', 'Jimmy'],
  ['John', 'Johnny', 'Jack'],
  ['Michael', 'Mike', 'Mikey'],
  ['Thomas', 'Tom', 'Tommy'],
  ['Charles', 'Charlie', 'Chuck'],
  ['Christopher', 'Chris'],
  ['Daniel', 'Dan', 'Danny'],
  ['Matthew', 'Matt'],
  ['Anthony', 'Tony'],
  ['Joseph', 'Joe'],
  ['David', 'Dave'],
  ['Steven', 'Steve'],
  ['Andrew', 'Andy', 'Drew'],
  ['Alfred', 'Fred', 'Alf'],
  ['Edward', 'Ed', 'Eddy', 'Ted'],
  ['Frederick', 'Fred', 'Freddie'],
  ['Elizabeth', 'Liz', 'Beth', 'Betty'],
  ['Margaret', 'Maggie', 'Peggy'],
  ['Patricia', 'Pat', 'Trish'],
  ['Jennifer', 'Jen', 'Jenny'],
  ['Katherine', 'Kate', 'Kathy'],
  ['Susan', 'Sue'],
  ['Rebecca', 'Becky'],
  ['Mary'],
  ['Sarah'],
  ['Emma'],
  ['Olivia'],
];

/** Surnames with a strongly skewed frequency: a few names shared by many different people. */
export const RU_SURNAMES_M = (
  'Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов ' +
  'Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров ' +
  'Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин ' +
  'Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов ' +
  'Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов ' +
  'Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников ' +
  'Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов ' +
  'Мартынов Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов ' +
  'Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв ' +
  'Овчинников Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв ' +
  'Котов Гришин Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев ' +
  'Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов ' +
  'Нестеров Симонов Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронцов Аксёнов Гаврилин'
).split(' ');

export const EN_SURNAMES = (
  'Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin ' +
  'Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill ' +
  'Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards ' +
  'Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard ' +
  'Ward Cox Richardson Wood Watson Brooks Bennett Gray James Hughes Price Sanders Myers Long Ross'
).split(' ');

/** Cities as written in Russian, with the Latin spellings CRM users type. */
export const CRM_CITIES: ReadonlyArray<readonly string[]> = [
  ['Москва', 'Moscow', 'Moskva', 'г. Москва'],
  ['Санкт-Петербург', 'Saint Petersburg', 'СПб', 'Sankt-Peterburg'],
  ['Новосибирск', 'Novosibirsk'],
  ['Екатеринбург', 'Yekaterinburg', 'Ekaterinburg'],
  ['Казань', 'Kazan'],
  ['Нижний Новгород', 'Nizhny Novgorod', 'Н. Новгород'],
  ['Челябинск', 'Chelyabinsk'],
  ['Самара', 'Samara'],
  ['Омск', 'Omsk'],
  ['Ростов-на-Дону', 'Rostov-on-Don', 'Ростов'],
  ['Уфа', 'Ufa'],
  ['Красноярск', 'Krasnoyarsk'],
  ['Воронеж', 'Voronezh'],
  ['Пермь', 'Perm'],
  ['Волгоград', 'Volgograd'],
  ['Краснодар', 'Krasnodar'],
  ['Тюмень', 'Tyumen'],
  ['Иркутск', 'Irkutsk'],
  ['Томск', 'Tomsk'],
  ['Тула', 'Tula'],
  ['Калининград', 'Kaliningrad'],
  ['Сочи', 'Sochi'],
  ['Ярославль', 'Yaroslavl'],
  ['Владивосток', 'Vladivostok'],
];

export const MAIL_DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru', 'list.ru', 'ya.ru'];
