/**
 * Italian cities' patron saints' days that date-holidays (3.37) does not carry as public holidays.
 * Its IT data has Turin (24 June), Milan (7 December), Rome (29 June) and Palermo (15 July) as
 * public holidays, and Florence's 24 June only as "optional": those come from the holiday table,
 * the rest from here. Source: the municipal statutes ("festa del santo patrono", a local holiday
 * under law 260/1949 art. 2 and DPR 792/1985), as listed at it.wikipedia.org/wiki/Santi_patroni_cattolici.
 * Names are matched without case or accents; the first is the Italian name.
 */
export interface PatronDay {
  names: readonly string[];
  /** MM-DD, every year. */
  day: string;
  saint: string;
}

export const ITALIAN_PATRON_DAYS: readonly PatronDay[] = [
  { names: ['Firenze', 'Florence'], day: '06-24', saint: 'San Giovanni Battista' },
  { names: ['Genova', 'Genoa'], day: '06-24', saint: 'San Giovanni Battista' },
  { names: ['Napoli', 'Naples'], day: '09-19', saint: 'San Gennaro' },
  { names: ['Bologna'], day: '10-04', saint: 'San Petronio' },
  // The same day as Liberation Day, a national holiday: listed so the city is known, not for the day.
  { names: ['Venezia', 'Venice'], day: '04-25', saint: 'San Marco' },
  { names: ['Bari'], day: '12-06', saint: 'San Nicola' },
  { names: ['Trieste'], day: '11-03', saint: 'San Giusto' },
  { names: ['Cagliari'], day: '10-30', saint: 'San Saturnino' },
  { names: ['Verona'], day: '05-21', saint: 'San Zeno' },
  { names: ['Padova', 'Padua'], day: '06-13', saint: "Sant'Antonio di Padova" },
  { names: ['Catania'], day: '02-05', saint: "Sant'Agata" },
  { names: ['Perugia'], day: '01-29', saint: 'San Costanzo' },
  { names: ['Modena'], day: '01-31', saint: 'San Geminiano' },
  { names: ['Parma'], day: '01-13', saint: "Sant'Ilario" },
  { names: ['Brescia'], day: '02-15', saint: 'Santi Faustino e Giovita' },
  { names: ['Bergamo'], day: '08-26', saint: "Sant'Alessandro" },
  { names: ['Salerno'], day: '09-21', saint: 'San Matteo' },
  { names: ['Pisa'], day: '06-17', saint: 'San Ranieri' },
  { names: ['Trento', 'Trent'], day: '06-26', saint: 'San Vigilio' },
];

/**
 * City names as customers write them -> the name date-holidays gives the city (the holiday table's regions),
 * where the two differ: date-holidays writes Milan in English and the others in Italian.
 */
export const CITY_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  IT: { milano: 'Milan', turin: 'Torino', rome: 'Roma', florence: 'Firenze' },
};
