BEGIN TRANSACTION;
CREATE TABLE character_aliases (
            character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (character_id, alias)
        );
INSERT INTO "character_aliases" VALUES(7,'Kim Woo Bin');
CREATE TABLE character_keys (
            key TEXT NOT NULL,
            character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
            PRIMARY KEY (key, character_id)
        ) WITHOUT ROWID;
INSERT INTO "character_keys" VALUES('jinhyuk',1);
INSERT INTO "character_keys" VALUES('kimjinhyuk',1);
INSERT INTO "character_keys" VALUES('~gimjinhyog',1);
INSERT INTO "character_keys" VALUES('~gimjinhyug',1);
INSERT INTO "character_keys" VALUES('~jinhyog',1);
INSERT INTO "character_keys" VALUES('~jinhyogim',1);
INSERT INTO "character_keys" VALUES('~jinhyug',1);
INSERT INTO "character_keys" VALUES('~jinhyugim',1);
INSERT INTO "character_keys" VALUES('김진혁',1);
INSERT INTO "character_keys" VALUES('진혁',1);
INSERT INTO "character_keys" VALUES('chasoohyun',2);
INSERT INTO "character_keys" VALUES('soohyun',2);
INSERT INTO "character_keys" VALUES('~jasuhyon',2);
INSERT INTO "character_keys" VALUES('~jasuhyun',2);
INSERT INTO "character_keys" VALUES('~suhyon',2);
INSERT INTO "character_keys" VALUES('~suhyonja',2);
INSERT INTO "character_keys" VALUES('~suhyun',2);
INSERT INTO "character_keys" VALUES('~suhyunja',2);
INSERT INTO "character_keys" VALUES('수현',2);
INSERT INTO "character_keys" VALUES('차수현',2);
INSERT INTO "character_keys" VALUES('jinah',3);
INSERT INTO "character_keys" VALUES('yoonjinah',3);
INSERT INTO "character_keys" VALUES('~jina',3);
INSERT INTO "character_keys" VALUES('~jinahyun',3);
INSERT INTO "character_keys" VALUES('~jinayun',3);
INSERT INTO "character_keys" VALUES('~yunjina',3);
INSERT INTO "character_keys" VALUES('윤진아',3);
INSERT INTO "character_keys" VALUES('진아',3);
INSERT INTO "character_keys" VALUES('joonhee',4);
INSERT INTO "character_keys" VALUES('seojoonhee',4);
INSERT INTO "character_keys" VALUES('~junhi',4);
INSERT INTO "character_keys" VALUES('~junhiso',4);
INSERT INTO "character_keys" VALUES('~sojunhi',4);
INSERT INTO "character_keys" VALUES('서준희',4);
INSERT INTO "character_keys" VALUES('준희',4);
INSERT INTO "character_keys" VALUES('leeyoungjoon',5);
INSERT INTO "character_keys" VALUES('youngjoon',5);
INSERT INTO "character_keys" VALUES('~iyongjun',5);
INSERT INTO "character_keys" VALUES('~yongjun',5);
INSERT INTO "character_keys" VALUES('~yongjuni',5);
INSERT INTO "character_keys" VALUES('영준',5);
INSERT INTO "character_keys" VALUES('이영준',5);
INSERT INTO "character_keys" VALUES('kimmiso',6);
INSERT INTO "character_keys" VALUES('miso',6);
INSERT INTO "character_keys" VALUES('~gimiso',6);
INSERT INTO "character_keys" VALUES('~miso',6);
INSERT INTO "character_keys" VALUES('~misogim',6);
INSERT INTO "character_keys" VALUES('김미소',6);
INSERT INTO "character_keys" VALUES('미소',6);
INSERT INTO "character_keys" VALUES('grimreaper',7);
INSERT INTO "character_keys" VALUES('kimwoobin',7);
INSERT INTO "character_keys" VALUES('woobin',7);
INSERT INTO "character_keys" VALUES('~gimubin',7);
INSERT INTO "character_keys" VALUES('~glimleabel',7);
INSERT INTO "character_keys" VALUES('~josungsaja',7);
INSERT INTO "character_keys" VALUES('~leabelglim',7);
INSERT INTO "character_keys" VALUES('~sungsajajo',7);
INSERT INTO "character_keys" VALUES('~ubin',7);
INSERT INTO "character_keys" VALUES('~ubingim',7);
INSERT INTO "character_keys" VALUES('저승사자',7);
INSERT INTO "character_keys" VALUES('sunny',8);
INSERT INTO "character_keys" VALUES('~niso',8);
INSERT INTO "character_keys" VALUES('~soni',8);
INSERT INTO "character_keys" VALUES('~suny',8);
INSERT INTO "character_keys" VALUES('써니',8);
INSERT INTO "character_keys" VALUES('sijin',9);
INSERT INTO "character_keys" VALUES('yoosijin',9);
INSERT INTO "character_keys" VALUES('~sijin',9);
INSERT INTO "character_keys" VALUES('~sijinyu',9);
INSERT INTO "character_keys" VALUES('~yusijin',9);
INSERT INTO "character_keys" VALUES('시진',9);
INSERT INTO "character_keys" VALUES('유시진',9);
INSERT INTO "character_keys" VALUES('kangmoyeon',10);
INSERT INTO "character_keys" VALUES('moyeon',10);
INSERT INTO "character_keys" VALUES('~gangmoyon',10);
INSERT INTO "character_keys" VALUES('~moyon',10);
INSERT INTO "character_keys" VALUES('~moyongang',10);
INSERT INTO "character_keys" VALUES('강모연',10);
INSERT INTO "character_keys" VALUES('모연',10);
INSERT INTO "character_keys" VALUES('jeonghyeok',11);
INSERT INTO "character_keys" VALUES('rijeonghyeok',11);
INSERT INTO "character_keys" VALUES('~ijonghyog',11);
INSERT INTO "character_keys" VALUES('~jonghyog',11);
INSERT INTO "character_keys" VALUES('~jonghyogi',11);
INSERT INTO "character_keys" VALUES('리정혁',11);
INSERT INTO "character_keys" VALUES('정혁',11);
INSERT INTO "character_keys" VALUES('seri',12);
INSERT INTO "character_keys" VALUES('yoonseri',12);
INSERT INTO "character_keys" VALUES('~seli',12);
INSERT INTO "character_keys" VALUES('~seliyun',12);
INSERT INTO "character_keys" VALUES('~yunseli',12);
INSERT INTO "character_keys" VALUES('세리',12);
INSERT INTO "character_keys" VALUES('윤세리',12);
CREATE TABLE characters (
            id INTEGER PRIMARY KEY,
            drama_id INTEGER NOT NULL REFERENCES dramas(id),
            person_id INTEGER NOT NULL REFERENCES people(id),
            name TEXT NOT NULL,
            name_korean TEXT
        );
INSERT INTO "characters" VALUES(1,1,1,'Kim Jin Hyuk','김진혁');
INSERT INTO "characters" VALUES(2,1,2,'Cha Soo Hyun','차수현');
INSERT INTO "characters" VALUES(3,2,3,'Yoon Jin Ah','윤진아');
INSERT INTO "characters" VALUES(4,2,4,'Seo Joon Hee','서준희');
INSERT INTO "characters" VALUES(5,3,5,'Lee Young Joon','이영준');
INSERT INTO "characters" VALUES(6,3,6,'Kim Mi So','김미소');
INSERT INTO "characters" VALUES(7,4,7,'Grim Reaper','저승사자');
INSERT INTO "characters" VALUES(8,4,8,'Sunny','써니');
INSERT INTO "characters" VALUES(9,5,9,'Yoo Si Jin','유시진');
INSERT INTO "characters" VALUES(10,5,2,'Kang Mo Yeon','강모연');
INSERT INTO "characters" VALUES(11,6,10,'Ri Jeong Hyeok','리정혁');
INSERT INTO "characters" VALUES(12,6,3,'Yoon Se Ri','윤세리');
CREATE TABLE drama_aliases (
            drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (drama_id, alias)
        );
INSERT INTO "drama_aliases" VALUES(1,'Boyfriend');
INSERT INTO "drama_aliases" VALUES(2,'Pretty Noona Who Buys Me Food');
INSERT INTO "drama_aliases" VALUES(2,'Pretty Sister Who Buys Me Food');
INSERT INTO "drama_aliases" VALUES(3,'WWWSK');
INSERT INTO "drama_aliases" VALUES(4,'Guardian: The Lonely and Great God');
INSERT INTO "drama_aliases" VALUES(5,'DOTS');
INSERT INTO "drama_aliases" VALUES(6,'CLOY');
CREATE TABLE drama_keys (
            key TEXT NOT NULL,
            drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
            PRIMARY KEY (key, drama_id)
        ) WITHOUT ROWID;
INSERT INTO "drama_keys" VALUES('boyfriend',1);
INSERT INTO "drama_keys" VALUES('encounter',1);
INSERT INTO "drama_keys" VALUES('~boyfliend',1);
INSERT INTO "drama_keys" VALUES('~encondel',1);
INSERT INTO "drama_keys" VALUES('~namjajingu',1);
INSERT INTO "drama_keys" VALUES('남자친구',1);
INSERT INTO "drama_keys" VALUES('buys',2);
INSERT INTO "drama_keys" VALUES('buysme',2);
INSERT INTO "drama_keys" VALUES('buysmefood',2);
INSERT INTO "drama_keys" VALUES('food',2);
INSERT INTO "drama_keys" VALUES('in',2);
INSERT INTO "drama_keys" VALUES('inthe',2);
INSERT INTO "drama_keys" VALUES('intherain',2);
INSERT INTO "drama_keys" VALUES('me',2);
INSERT INTO "drama_keys" VALUES('mefood',2);
INSERT INTO "drama_keys" VALUES('noona',2);
INSERT INTO "drama_keys" VALUES('noonawho',2);
INSERT INTO "drama_keys" VALUES('noonawhobuys',2);
INSERT INTO "drama_keys" VALUES('noonawhobuysme',2);
INSERT INTO "drama_keys" VALUES('noonawhobuysmefood',2);
INSERT INTO "drama_keys" VALUES('pretty',2);
INSERT INTO "drama_keys" VALUES('prettynoona',2);
INSERT INTO "drama_keys" VALUES('prettynoonawho',2);
INSERT INTO "drama_keys" VALUES('prettynoonawhobuys',2);
INSERT INTO "drama_keys" VALUES('prettynoonawhobuysme',2);
INSERT INTO "drama_keys" VALUES('prettynoonawhobuysmefood',2);
INSERT INTO "drama_keys" VALUES('prettysister',2);
INSERT INTO "drama_keys" VALUES('prettysisterwho',2);
INSERT INTO "drama_keys" VALUES('prettysisterwhobuys',2);
INSERT INTO "drama_keys" VALUES('prettysisterwhobuysme',2);
INSERT INTO "drama_keys" VALUES('prettysisterwhobuysmefood',2);
INSERT INTO "drama_keys" VALUES('rain',2);
INSERT INTO "drama_keys" VALUES('sister',2);
INSERT INTO "drama_keys" VALUES('sisterwho',2);
INSERT INTO "drama_keys" VALUES('sisterwhobuys',2);
INSERT INTO "drama_keys" VALUES('sisterwhobuysme',2);
INSERT INTO "drama_keys" VALUES('sisterwhobuysmefood',2);
INSERT INTO "drama_keys" VALUES('something',2);
INSERT INTO "drama_keys" VALUES('somethingin',2);
INSERT INTO "drama_keys" VALUES('somethinginthe',2);
INSERT INTO "drama_keys" VALUES('somethingintherain',2);
INSERT INTO "drama_keys" VALUES('the',2);
INSERT INTO "drama_keys" VALUES('therain',2);
INSERT INTO "drama_keys" VALUES('who',2);
INSERT INTO "drama_keys" VALUES('whobuys',2);
INSERT INTO "drama_keys" VALUES('whobuysme',2);
INSERT INTO "drama_keys" VALUES('whobuysmefood',2);
INSERT INTO "drama_keys" VALUES('~bab',2);
INSERT INTO "drama_keys" VALUES('~babjal',2);
INSERT INTO "drama_keys" VALUES('~babjalsajunun',2);
INSERT INTO "drama_keys" VALUES('~babjalsajununyebun',2);
INSERT INTO "drama_keys" VALUES('~babjalsajununyebununa',2);
INSERT INTO "drama_keys" VALUES('~bledynunawhobuysmefud',2);
INSERT INTO "drama_keys" VALUES('~bledysisdelwhobuysmefud',2);
INSERT INTO "drama_keys" VALUES('~jal',2);
INSERT INTO "drama_keys" VALUES('~jalsajunun',2);
INSERT INTO "drama_keys" VALUES('~jalsajununyebun',2);
INSERT INTO "drama_keys" VALUES('~jalsajununyebununa',2);
INSERT INTO "drama_keys" VALUES('~nuna',2);
INSERT INTO "drama_keys" VALUES('~sajunun',2);
INSERT INTO "drama_keys" VALUES('~sajununyebun',2);
INSERT INTO "drama_keys" VALUES('~sajununyebununa',2);
INSERT INTO "drama_keys" VALUES('~somedhingindhelain',2);
INSERT INTO "drama_keys" VALUES('~yebun',2);
INSERT INTO "drama_keys" VALUES('~yebununa',2);
INSERT INTO "drama_keys" VALUES('누나',2);
INSERT INTO "drama_keys" VALUES('밥',2);
INSERT INTO "drama_keys" VALUES('밥잘',2);
INSERT INTO "drama_keys" VALUES('밥잘사주는',2);
INSERT INTO "drama_keys" VALUES('밥잘사주는예쁜',2);
INSERT INTO "drama_keys" VALUES('밥잘사주는예쁜누나',2);
INSERT INTO "drama_keys" VALUES('사주는',2);
INSERT INTO "drama_keys" VALUES('사주는예쁜',2);
INSERT INTO "drama_keys" VALUES('사주는예쁜누나',2);
INSERT INTO "drama_keys" VALUES('예쁜',2);
INSERT INTO "drama_keys" VALUES('예쁜누나',2);
INSERT INTO "drama_keys" VALUES('잘',2);
INSERT INTO "drama_keys" VALUES('잘사주는',2);
INSERT INTO "drama_keys" VALUES('잘사주는예쁜',2);
INSERT INTO "drama_keys" VALUES('잘사주는예쁜누나',2);
INSERT INTO "drama_keys" VALUES('kim',3);
INSERT INTO "drama_keys" VALUES('secretary',3);
INSERT INTO "drama_keys" VALUES('secretarykim',3);
INSERT INTO "drama_keys" VALUES('whats',3);
INSERT INTO "drama_keys" VALUES('whatswrong',3);
INSERT INTO "drama_keys" VALUES('whatswrongwith',3);
INSERT INTO "drama_keys" VALUES('whatswrongwithsecretary',3);
INSERT INTO "drama_keys" VALUES('whatswrongwithsecretarykim',3);
INSERT INTO "drama_keys" VALUES('with',3);
INSERT INTO "drama_keys" VALUES('withsecretary',3);
INSERT INTO "drama_keys" VALUES('withsecretarykim',3);
INSERT INTO "drama_keys" VALUES('wrong',3);
INSERT INTO "drama_keys" VALUES('wrongwith',3);
INSERT INTO "drama_keys" VALUES('wrongwithsecretary',3);
INSERT INTO "drama_keys" VALUES('wrongwithsecretarykim',3);
INSERT INTO "drama_keys" VALUES('wwwsk',3);
INSERT INTO "drama_keys" VALUES('~gimbisoga',3);
INSERT INTO "drama_keys" VALUES('~gimbisogawe',3);
INSERT INTO "drama_keys" VALUES('~gimbisogawegulolga',3);
INSERT INTO "drama_keys" VALUES('~gulolga',3);
INSERT INTO "drama_keys" VALUES('~we',3);
INSERT INTO "drama_keys" VALUES('~wegulolga',3);
INSERT INTO "drama_keys" VALUES('~whadswlongwidhsecledalygim',3);
INSERT INTO "drama_keys" VALUES('~wsg',3);
INSERT INTO "drama_keys" VALUES('그럴까',3);
INSERT INTO "drama_keys" VALUES('김비서가',3);
INSERT INTO "drama_keys" VALUES('김비서가왜',3);
INSERT INTO "drama_keys" VALUES('김비서가왜그럴까',3);
INSERT INTO "drama_keys" VALUES('왜',3);
INSERT INTO "drama_keys" VALUES('왜그럴까',3);
INSERT INTO "drama_keys" VALUES('and',4);
INSERT INTO "drama_keys" VALUES('andgreat',4);
INSERT INTO "drama_keys" VALUES('andgreatgod',4);
INSERT INTO "drama_keys" VALUES('goblin',4);
INSERT INTO "drama_keys" VALUES('god',4);
INSERT INTO "drama_keys" VALUES('great',4);
INSERT INTO "drama_keys" VALUES('greatgod',4);
INSERT INTO "drama_keys" VALUES('guardian',4);
INSERT INTO "drama_keys" VALUES('guardianthe',4);
INSERT INTO "drama_keys" VALUES('guardianthelonely',4);
INSERT INTO "drama_keys" VALUES('guardianthelonelyand',4);
INSERT INTO "drama_keys" VALUES('guardianthelonelyandgreat',4);
INSERT INTO "drama_keys" VALUES('guardianthelonelyandgreatgod',4);
INSERT INTO "drama_keys" VALUES('lonely',4);
INSERT INTO "drama_keys" VALUES('lonelyand',4);
INSERT INTO "drama_keys" VALUES('lonelyandgreat',4);
INSERT INTO "drama_keys" VALUES('lonelyandgreatgod',4);
INSERT INTO "drama_keys" VALUES('the',4);
INSERT INTO "drama_keys" VALUES('thelonely',4);
INSERT INTO "drama_keys" VALUES('thelonelyand',4);
INSERT INTO "drama_keys" VALUES('thelonelyandgreat',4);
INSERT INTO "drama_keys" VALUES('thelonelyandgreatgod',4);
INSERT INTO "drama_keys" VALUES('~dogebi',4);
INSERT INTO "drama_keys" VALUES('~goblin',4);
INSERT INTO "drama_keys" VALUES('~gualdiandhelonelyandgleadgod',4);
INSERT INTO "drama_keys" VALUES('~janlanha',4);
INSERT INTO "drama_keys" VALUES('~janlanhadogebi',4);
INSERT INTO "drama_keys" VALUES('~sulsulhago',4);
INSERT INTO "drama_keys" VALUES('~sulsulhagojanlanha',4);
INSERT INTO "drama_keys" VALUES('~sulsulhagojanlanhadogebi',4);
INSERT INTO "drama_keys" VALUES('도깨비',4);
INSERT INTO "drama_keys" VALUES('쓸쓸하고',4);
INSERT INTO "drama_keys" VALUES('쓸쓸하고찬란하神',4);
INSERT INTO "drama_keys" VALUES('쓸쓸하고찬란하神도깨비',4);
INSERT INTO "drama_keys" VALUES('찬란하神',4);
INSERT INTO "drama_keys" VALUES('찬란하神도깨비',4);
INSERT INTO "drama_keys" VALUES('descendants',5);
INSERT INTO "drama_keys" VALUES('descendantsof',5);
INSERT INTO "drama_keys" VALUES('descendantsofthe',5);
INSERT INTO "drama_keys" VALUES('descendantsofthesun',5);
INSERT INTO "drama_keys" VALUES('dots',5);
INSERT INTO "drama_keys" VALUES('of',5);
INSERT INTO "drama_keys" VALUES('ofthe',5);
INSERT INTO "drama_keys" VALUES('ofthesun',5);
INSERT INTO "drama_keys" VALUES('sun',5);
INSERT INTO "drama_keys" VALUES('the',5);
INSERT INTO "drama_keys" VALUES('thesun',5);
INSERT INTO "drama_keys" VALUES('~descendandsofdhesun',5);
INSERT INTO "drama_keys" VALUES('~deyangi',5);
INSERT INTO "drama_keys" VALUES('~deyangihuye',5);
INSERT INTO "drama_keys" VALUES('~dods',5);
INSERT INTO "drama_keys" VALUES('~huye',5);
INSERT INTO "drama_keys" VALUES('태양의',5);
INSERT INTO "drama_keys" VALUES('태양의후예',5);
INSERT INTO "drama_keys" VALUES('후예',5);
INSERT INTO "drama_keys" VALUES('cloy',6);
INSERT INTO "drama_keys" VALUES('crash',6);
INSERT INTO "drama_keys" VALUES('crashlanding',6);
INSERT INTO "drama_keys" VALUES('crashlandingon',6);
INSERT INTO "drama_keys" VALUES('crashlandingonyou',6);
INSERT INTO "drama_keys" VALUES('landing',6);
INSERT INTO "drama_keys" VALUES('landingon',6);
INSERT INTO "drama_keys" VALUES('landingonyou',6);
INSERT INTO "drama_keys" VALUES('on',6);
INSERT INTO "drama_keys" VALUES('onyou',6);
INSERT INTO "drama_keys" VALUES('you',6);
INSERT INTO "drama_keys" VALUES('~bulsijag',6);
INSERT INTO "drama_keys" VALUES('~claslandingonyo',6);
INSERT INTO "drama_keys" VALUES('~cloy',6);
INSERT INTO "drama_keys" VALUES('~salangi',6);
INSERT INTO "drama_keys" VALUES('~salangibulsijag',6);
INSERT INTO "drama_keys" VALUES('불시착',6);
INSERT INTO "drama_keys" VALUES('사랑의',6);
INSERT INTO "drama_keys" VALUES('사랑의불시착',6);
CREATE TABLE dramas (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            title_korean TEXT,
            year INTEGER NOT NULL,
            network TEXT
        );
INSERT INTO "dramas" VALUES(1,'Encounter','남자친구',2019,'tvN');
INSERT INTO "dramas" VALUES(2,'Something in the Rain','밥 잘 사주는 예쁜 누나',2018,'JTBC');
INSERT INTO "dramas" VALUES(3,'What''s Wrong with Secretary Kim','김비서가 왜 그럴까',2018,'tvN');
INSERT INTO "dramas" VALUES(4,'Goblin','쓸쓸하고 찬란하神 – 도깨비',2017,'tvN');
INSERT INTO "dramas" VALUES(5,'Descendants of the Sun','태양의 후예',2016,'KBS2');
INSERT INTO "dramas" VALUES(6,'Crash Landing on You','사랑의 불시착',2020,'tvN');
CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_korean TEXT
        );
INSERT INTO "people" VALUES(1,'Park Bo Gum','박보검');
INSERT INTO "people" VALUES(2,'Song Hye Kyo','송혜교');
INSERT INTO "people" VALUES(3,'Son Ye Jin','손예진');
INSERT INTO "people" VALUES(4,'Jung Hae In','정해인');
INSERT INTO "people" VALUES(5,'Park Seo Joon','박서준');
INSERT INTO "people" VALUES(6,'Park Min Young','박민영');
INSERT INTO "people" VALUES(7,'Lee Dong Wook','이동욱');
INSERT INTO "people" VALUES(8,'Yoo In Na','유인나');
INSERT INTO "people" VALUES(9,'Song Joong Ki','송중기');
INSERT INTO "people" VALUES(10,'Hyun Bin','현빈');
CREATE TABLE person_aliases (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (person_id, alias)
        );
CREATE TABLE person_keys (
            key TEXT NOT NULL,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            PRIMARY KEY (key, person_id)
        ) WITHOUT ROWID;
INSERT INTO "person_keys" VALUES('parkbogum',1);
INSERT INTO "person_keys" VALUES('~bagbogom',1);
INSERT INTO "person_keys" VALUES('~bagbogum',1);
INSERT INTO "person_keys" VALUES('~bogombag',1);
INSERT INTO "person_keys" VALUES('~bogumbag',1);
INSERT INTO "person_keys" VALUES('박보검',1);
INSERT INTO "person_keys" VALUES('songhyekyo',2);
INSERT INTO "person_keys" VALUES('~hyegyosong',2);
INSERT INTO "person_keys" VALUES('~songhyegyo',2);
INSERT INTO "person_keys" VALUES('송혜교',2);
INSERT INTO "person_keys" VALUES('sonyejin',3);
INSERT INTO "person_keys" VALUES('~sonyejin',3);
INSERT INTO "person_keys" VALUES('~yejinson',3);
INSERT INTO "person_keys" VALUES('손예진',3);
INSERT INTO "person_keys" VALUES('junghaein',4);
INSERT INTO "person_keys" VALUES('~heinjong',4);
INSERT INTO "person_keys" VALUES('~jonghein',4);
INSERT INTO "person_keys" VALUES('정해인',4);
INSERT INTO "person_keys" VALUES('parkseojoon',5);
INSERT INTO "person_keys" VALUES('~bagsojun',5);
INSERT INTO "person_keys" VALUES('~sojunbag',5);
INSERT INTO "person_keys" VALUES('박서준',5);
INSERT INTO "person_keys" VALUES('parkminyoung',6);
INSERT INTO "person_keys" VALUES('~bagminyong',6);
INSERT INTO "person_keys" VALUES('~minyongbag',6);
INSERT INTO "person_keys" VALUES('박민영',6);
INSERT INTO "person_keys" VALUES('leedongwook',7);
INSERT INTO "person_keys" VALUES('~dongugi',7);
INSERT INTO "person_keys" VALUES('~idongug',7);
INSERT INTO "person_keys" VALUES('이동욱',7);
INSERT INTO "person_keys" VALUES('yooinna',8);
INSERT INTO "person_keys" VALUES('~inayu',8);
INSERT INTO "person_keys" VALUES('~yina',8);
INSERT INTO "person_keys" VALUES('유인나',8);
INSERT INTO "person_keys" VALUES('songjoongki',9);
INSERT INTO "person_keys" VALUES('~jungisong',9);
INSERT INTO "person_keys" VALUES('~songjungi',9);
INSERT INTO "person_keys" VALUES('송중기',9);
INSERT INTO "person_keys" VALUES('hyunbin',10);
INSERT INTO "person_keys" VALUES('~binhyon',10);
INSERT INTO "person_keys" VALUES('~binhyun',10);
INSERT INTO "person_keys" VALUES('~hyonbin',10);
INSERT INTO "person_keys" VALUES('~hyunbin',10);
INSERT INTO "person_keys" VALUES('현빈',10);
CREATE TABLE scene_characters (
            scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
            character_id INTEGER NOT NULL REFERENCES characters(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (scene_id, character_id)
        );
INSERT INTO "scene_characters" VALUES(1,1,0);
INSERT INTO "scene_characters" VALUES(1,2,1);
INSERT INTO "scene_characters" VALUES(2,3,0);
INSERT INTO "scene_characters" VALUES(2,4,1);
INSERT INTO "scene_characters" VALUES(3,5,0);
INSERT INTO "scene_characters" VALUES(3,6,1);
INSERT INTO "scene_characters" VALUES(4,7,0);
INSERT INTO "scene_characters" VALUES(4,8,1);
INSERT INTO "scene_characters" VALUES(5,9,0);
INSERT INTO "scene_characters" VALUES(5,10,1);
INSERT INTO "scene_characters" VALUES(6,11,0);
INSERT INTO "scene_characters" VALUES(6,12,1);
CREATE TABLE scene_people (
            scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
            person_id INTEGER NOT NULL REFERENCES people(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (scene_id, person_id)
        );
INSERT INTO "scene_people" VALUES(1,1,0);
INSERT INTO "scene_people" VALUES(1,2,1);
INSERT INTO "scene_people" VALUES(2,3,0);
INSERT INTO "scene_people" VALUES(2,4,1);
INSERT INTO "scene_people" VALUES(3,5,0);
INSERT INTO "scene_people" VALUES(3,6,1);
INSERT INTO "scene_people" VALUES(4,7,0);
INSERT INTO "scene_people" VALUES(4,8,1);
INSERT INTO "scene_people" VALUES(5,9,0);
INSERT INTO "scene_people" VALUES(5,2,1);
INSERT INTO "scene_people" VALUES(6,10,0);
INSERT INTO "scene_people" VALUES(6,3,1);
CREATE TABLE scenes (
            id INTEGER PRIMARY KEY,
            drama_id INTEGER NOT NULL REFERENCES dramas(id),
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            rank INTEGER,
            source_id INTEGER REFERENCES sources(id)
        );
INSERT INTO "scenes" VALUES(1,1,'Jin Hyuk tells the world about Soo Hyun','Tired of hiding from the gossip around them, Jin Hyuk makes his relationship with Soo Hyun public in a way nobody saw coming.',1,1);
INSERT INTO "scenes" VALUES(2,2,'Jin Ah and Joon Hee almost get caught','Keeping their romance a secret from their families, Joon Hee cannot hold back for one moment and the couple come close to being found out.',2,1);
INSERT INTO "scenes" VALUES(3,3,'Young Joon brings Mi So home','Back at his place, the vice chairman settles Mi So on the sofa and makes it clear he wants the night to count.',3,1);
INSERT INTO "scenes" VALUES(4,4,'The Grim Reaper finally goes on a date with Sunny','After ducking her calls, the shy Grim Reaper, going by Kim Woo Bin, meets Sunny at last and cannot stop telling her that he likes her.',4,1);
INSERT INTO "scenes" VALUES(5,5,'A wine lesson in the base kitchen','Late at night in the army base''s kitchen, Captain Yoo Si Jin shows Dr. Kang Mo Yeon his way of drinking wine, and it ends in a kiss.',5,1);
INSERT INTO "scenes" VALUES(6,6,'Jeong Hyeok kisses Se Ri''s tears away','Se Ri weeps over the gunshot wound Jeong Hyeok took while saving her, and he comforts her by kissing away her tears.',6,1);
CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            title TEXT,
            credit TEXT
        );
INSERT INTO "sources" VALUES(1,'Cosmopolitan','6 Most Romantic Scenes In Recent K-Dramas','SCMP; photos: Cosmopolitan, YouTube');
CREATE INDEX dramas_year ON dramas(year);
CREATE INDEX dramas_title ON dramas(title);
CREATE INDEX characters_drama ON characters(drama_id);
CREATE INDEX characters_person ON characters(person_id);
CREATE INDEX scenes_drama ON scenes(drama_id);
CREATE INDEX scenes_title ON scenes(title);
CREATE INDEX scenes_source ON scenes(source_id);
CREATE INDEX scene_people_person ON scene_people(person_id, scene_id);
CREATE INDEX scene_characters_character ON scene_characters(character_id, scene_id);
CREATE INDEX drama_keys_drama ON drama_keys(drama_id);
CREATE INDEX person_keys_person ON person_keys(person_id);
CREATE INDEX character_keys_character ON character_keys(character_id);
COMMIT;
PRAGMA application_id = 1262768705;
PRAGMA user_version = 1;
