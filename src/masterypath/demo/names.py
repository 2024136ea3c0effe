"""Name pools for the demo district, drawn with weights that echo US public schools.

Given names and surnames are common ones in US birth and census records; each pool is tied to
the federal race/ethnicity category it is most common in, so that a drawn name is plausible.
"""

from __future__ import annotations

GIVEN_FEMALE = {
    "any": ["Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia",
            "Harper", "Evelyn", "Abigail", "Emily", "Ella", "Elizabeth", "Camila", "Luna",
            "Sofia", "Avery", "Scarlett", "Grace", "Chloe", "Victoria", "Riley", "Aria", "Lily",
            "Zoey", "Nora", "Hannah", "Layla", "Madison"],
    "hispanic": ["Valentina", "Camila", "Ximena", "Mariana", "Daniela", "Gabriela", "Lucia",
                 "Valeria", "Natalia", "Andrea", "Paola", "Fernanda", "Renata", "Guadalupe"],
    "black": ["Aaliyah", "Nevaeh", "Imani", "Jada", "Kennedy", "Zuri", "Amara", "Jasmine",
              "Destiny", "Kiara", "Ayanna", "Nia", "Makayla", "Brielle"],
    "asian": ["Mei", "Ananya", "Priya", "Hana", "Yuna", "Linh", "Aiko", "Jia", "Sakura",
              "Min-ji", "Kavya", "Thu", "Isha", "Sara"],
}
GIVEN_MALE = {
    "any": ["Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas",
            "Henry", "Theodore", "Jack", "Levi", "Alexander", "Jackson", "Mason", "Michael",
            "Daniel", "Logan", "Owen", "Samuel", "Ethan", "Wyatt", "Caleb", "Ryan", "Nathan",
            "Isaac", "Dylan", "Aaron", "Connor", "Evan"],
    "hispanic": ["Mateo", "Santiago", "Sebastian", "Diego", "Leonardo", "Emiliano", "Alejandro",
                 "Javier", "Carlos", "Miguel", "Angel", "Jose", "Luis", "Adrian"],
    "black": ["Jayden", "Malik", "Jalen", "Darius", "Xavier", "Isaiah", "Elijah", "Marcus",
              "Terrence", "Jamal", "Andre", "Khalil", "Tyrell", "Zion"],
    "asian": ["Arjun", "Kenji", "Minh", "Wei", "Hiroshi", "Rohan", "Jun", "Vikram", "Bao",
              "Haruto", "Aditya", "Tuan", "Ravi", "Kai"],
}
SURNAMES = {
    "white": ["Smith", "Johnson", "Miller", "Davis", "Anderson", "Wilson", "Taylor", "Thomas",
              "Moore", "Martin", "Thompson", "White", "Clark", "Lewis", "Walker", "Hall",
              "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
              "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner",
              "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers",
              "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward"],
    "hispanic": ["Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Perez",
                 "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Cruz",
                 "Reyes", "Morales", "Ortiz", "Gutierrez", "Chavez", "Ramos", "Ruiz", "Alvarez",
                 "Mendoza", "Castillo", "Jimenez", "Vasquez", "Romero", "Herrera", "Medina"],
    "black": ["Williams", "Jackson", "Harris", "Robinson", "Brown", "Jones", "Washington",
              "Thomas", "Jenkins", "Coleman", "Banks", "Mosley", "Booker", "Dorsey", "Gaines",
              "Franklin", "Simmons", "Bryant", "Alexander", "Hayes"],
    "asian": ["Nguyen", "Kim", "Patel", "Chen", "Wang", "Li", "Tran", "Le", "Park", "Singh",
              "Lee", "Zhang", "Liu", "Pham", "Shah", "Huang", "Yang", "Tanaka", "Choi", "Kumar"],
    "american_indian": ["Begay", "Yazzie", "Benally", "Tsosie", "Locklear", "Jim", "Deschenie",
                        "Oxendine", "Chavis", "Manuelito"],
    "pacific_islander": ["Kahale", "Fonoti", "Tuilagi", "Kealoha", "Mahoe", "Faleolo", "Akana",
                         "Tupou"],
}
NAME_POOL_BY_RACE = {
    "hispanic": "hispanic",
    "black": "black",
    "asian": "asian",
    "white": "any",
    "american_indian": "any",
    "pacific_islander": "any",
    "two_or_more": "any",
}
# Shares of US public-school students by federal category (NCES, fall 2021, rounded).
RACE_SHARES = {
    "white": 0.446,
    "hispanic": 0.285,
    "black": 0.150,
    "asian": 0.054,
    "two_or_more": 0.051,
    "american_indian": 0.009,
    "pacific_islander": 0.005,
}
# Home languages of English learners (NCES: Spanish about three in four).
EL_LANGUAGES = {
    "Spanish": 0.76, "Arabic": 0.03, "Chinese": 0.03, "Vietnamese": 0.02, "Portuguese": 0.015,
    "Russian": 0.01, "Haitian Creole": 0.01, "Somali": 0.01, "Korean": 0.01, "Other": 0.105,
}
